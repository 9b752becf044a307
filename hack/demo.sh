#!/usr/bin/env bash
# `make demo`: LangFlix end to end on a local Kubernetes cluster, from a fresh clone.
#
#   1. system packages (hack/install-deps.sh), the Kubernetes binaries built from source
#      (hack/build-k8s-binaries.sh, cached), bin/manager and bin/langflix-runner;
#   2. the local cluster (hack/local-cluster.sh up), whose node runs the operator's and the runner's images
#      as those two binaries;
#   3. `helm upgrade --install` of charts/langflix-operator into langflix-system;
#   4. a demo film: Sintel's real English dialogue (testdata/sintel_en.srt) over a generated moving picture and
#      tone of the same length (made once, cached), copied into the langflix-media volume;
#   5. a VideoTask (3 expressions), a SlideTask and a CleanupPolicy (run once at once, over two planted
#      10-day-old files), shown with live progress until they finish;
#   6. where the outputs are, what the lesson teaches, how to look at it and how to stop the cluster.
#
# Running it again starts the tasks afresh. Exits non-zero when a task fails, after printing its status, its
# events and the end of its runner's log.
#
# Environment: LANGFLIX_CACHE, LANGFLIX_CLUSTER_DIR and LANGFLIX_CLUSTER_PORT_BASE as in hack/local-cluster.sh;
# DEMO_TIMEOUT (seconds the tasks may take, default 900).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CACHE="${LANGFLIX_CACHE:-$HOME/.cache/langflix}"
export LANGFLIX_CACHE="$CACHE"
CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-$CACHE/cluster}"
PORT_BASE="${LANGFLIX_CLUSTER_PORT_BASE:-36400}"
CLUSTER="$ROOT/hack/local-cluster.sh"
TIMEOUT="${DEMO_TIMEOUT:-900}"

NS=default
CLAIM=langflix-media           # hack/local-cluster.sh up binds it to $CLUSTER_DIR/media in $NS
MEDIA="$CLUSTER_DIR/media"
RELEASE=langflix-operator
RELEASE_NS=langflix-system
DEMO_LABEL="langflix.dev/demo=true"
VIDEO_TASK=sintel-demo
SLIDE_TASK=demo-break-the-ice
POLICY=demo-media-cleanup
LESSON_OUT=lessons/sintel-demo
SLIDE_OUT=slides/demo-break-the-ice

started=$SECONDS
say() { printf '\n==> %s\n' "$*"; }
die() { printf '\ndemo: error: %s\n' "$*" >&2; exit 1; }
elapsed() { echo "$((SECONDS - started)) s"; }

# ---------------------------------------------------------------------------------------------------------
say "1/6 tools and binaries"
command -v go >/dev/null || die "Go is needed (https://go.dev/doc/install); everything else is installed or built here"
# Nothing below may assume a folder exists: on a new machine neither the cache nor the cluster folder does.
mkdir -p "$CACHE" "$CLUSTER_DIR" bin
"$ROOT/hack/install-deps.sh"
echo "building bin/manager and bin/langflix-runner (first run: a few minutes, modules are downloaded)"
"$ROOT/hack/build-binaries.sh"
# Prints a line per Kubernetes binary it builds (about 20 minutes the first time), and the end of the
# failing build's log when one fails.
"$ROOT/hack/build-k8s-binaries.sh" cluster >/dev/null || die "building the Kubernetes binaries failed (see above)"
echo "binaries ready ($(elapsed))"

# ---------------------------------------------------------------------------------------------------------
say "2/6 local cluster ($CLUSTER_DIR)"
# localnode runs an image as a local binary: the chart's two images, any tag, become the binaries just built.
export LOCALNODE_IMAGE_MAP="langflix-operator:*=$ROOT/bin/manager langflix-runner:*=$ROOT/bin/langflix-runner"
"$CLUSTER" up
eval "$("$CLUSTER" env)"

# ---------------------------------------------------------------------------------------------------------
say "3/6 helm upgrade --install $RELEASE"
# Pods share the host network here, so the operator gets ports next to the cluster's own. The binary's hash
# as a pod annotation rolls the Deployment whenever bin/manager was rebuilt.
manager_hash=$(sha256sum bin/manager | cut -c1-16)
helm upgrade --install "$RELEASE" charts/langflix-operator --namespace "$RELEASE_NS" --create-namespace \
  --wait --timeout 3m \
  --set image.repository=langflix-operator --set image.tag=local \
  --set runner.image.repository=langflix-runner --set runner.image.tag=local \
  --set metrics.port=$((PORT_BASE + 81)) --set healthProbe.port=$((PORT_BASE + 82)) \
  --set-string "podAnnotations.langflix\.dev/manager-sha256=$manager_hash" >/dev/null
kubectl -n "$RELEASE_NS" rollout status deployment/"$RELEASE" --timeout=120s

# ---------------------------------------------------------------------------------------------------------
say "4/6 demo film: Sintel's dialogue over a generated picture"
srt="$ROOT/testdata/sintel_en.srt"
# The picture lasts as long as the dialogue: up to the end of the last cue, in whole seconds.
seconds=$(grep -a -- '-->' "$srt" | tail -n 1 | awk '{ split($3, t, /[:,]/); s = t[1]*3600 + t[2]*60 + t[3] + (t[4] > 0); print s }')
video="$CACHE/demo/sintel-${seconds}s-640x360-12fps.mp4"
if [[ ! -s "$video" ]]; then
  echo "generating $video (once; about half a minute)"
  mkdir -p "$(dirname "$video")"
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=640x360:rate=12 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 -t "$seconds" \
    -c:v libx264 -preset veryfast -crf 30 -g 24 -pix_fmt yuv420p -c:a aac -b:a 64k -ac 2 \
    -movflags +faststart "$video.tmp.mp4"
  mv "$video.tmp.mp4" "$video"
fi
mkdir -p "$MEDIA/media"
cmp -s "$video" "$MEDIA/media/sintel.mp4" || cp "$video" "$MEDIA/media/sintel.mp4"
cmp -s "$srt" "$MEDIA/media/sintel_en.srt" || cp "$srt" "$MEDIA/media/sintel_en.srt"
echo "$MEDIA/media/sintel.mp4 (${seconds} s, cached at $video)"
echo "$MEDIA/media/sintel_en.srt ($(grep -c -a -- '-->' "$srt") cues)"

# ---------------------------------------------------------------------------------------------------------
say "5/6 VideoTask, SlideTask and CleanupPolicy"
# A task is one run: the demo's tasks from an earlier run are deleted (the operator stops their Jobs first)
# and their outputs removed, so this run starts from nothing.
kubectl -n "$NS" delete videotasks,slidetasks,cleanuppolicies -l "$DEMO_LABEL" --ignore-not-found --wait=true --timeout=120s
rm -rf "${MEDIA:?}/$LESSON_OUT" "${MEDIA:?}/$SLIDE_OUT" "${MEDIA:?}/lessons/demo-old-episode"

# Files of an "old episode" dated ten days back, for the cleanup to find; its manifest.json is excluded.
old="$MEDIA/lessons/demo-old-episode"
mkdir -p "$old/videos" "$old/slides"
head -c 200000 /dev/zero >"$old/videos/01_old_lesson.mp4"
head -c 50000 /dev/zero >"$old/slides/01_old_lesson.png"
echo '{"note": "kept: manifest.json is excluded from cleanup"}' >"$old/manifest.json"
touch -d '10 days ago' "$old/videos/01_old_lesson.mp4" "$old/slides/01_old_lesson.png" "$old/manifest.json"

kubectl -n "$NS" apply -f - <<EOF
apiVersion: tasks.langflix.io/v1alpha1
kind: VideoTask
metadata:
  name: $VIDEO_TASK
  labels: {langflix.dev/demo: "true"}
spec:
  storage:
    persistentVolumeClaim: {claimName: $CLAIM}
  source:
    video: media/sintel.mp4
    subtitles: media/sintel_en.srt
    language: en
  targetLanguage: ko
  output: $LESSON_OUT
  expressions:
    maxCount: 3
    include: ["kindred spirit", "as long as I can remember", "sit still"]
  render:
    educationalVideo: PerExpression
    slides: PNG
    shorts: None
    subtitles: Dual   # the dialogue burned in, the expression in gold, its Korean translation below
---
apiVersion: tasks.langflix.io/v1alpha1
kind: SlideTask
metadata:
  name: $SLIDE_TASK
  labels: {langflix.dev/demo: "true"}
spec:
  storage:
    persistentVolumeClaim: {claimName: $CLAIM}
  output: $SLIDE_OUT
  format: PNG
  size: {width: 1280, height: 720}
  content:
    title: 오늘의 표현
    expression: break the ice
    translation: 어색한 분위기를 깨다
    dialogue: Someone has to break the ice, so let me start.
    dialogueTranslation: 누군가는 어색한 분위기를 깨야 하니까 제가 먼저 시작할게요.
    similarExpressions: [get the ball rolling, warm up the room]
    examples: [A quick game helped break the ice at the meeting.]
---
apiVersion: tasks.langflix.io/v1alpha1
kind: CleanupPolicy
metadata:
  name: $POLICY
  labels: {langflix.dev/demo: "true"}
spec:
  storage:
    persistentVolumeClaim: {claimName: $CLAIM}
  schedule: "0 2 * * *"
  retentionDays: 7
  paths: [lessons, slides]
  exclude: ["**/manifest.json"]
EOF

# The policy runs nightly; a Job made from its CronJob runs it now, and the operator reports it in lastRun.
cronjob=""
for _ in $(seq 1 60); do
  cronjob=$(kubectl -n "$NS" get cleanuppolicy "$POLICY" -o jsonpath='{.status.cronJobName}')
  [[ -n "$cronjob" ]] && break
  sleep 1
done
[[ -n "$cronjob" ]] || die "the operator did not create the CronJob of $POLICY (kubectl logs -n $RELEASE_NS deploy/$RELEASE)"
kubectl -n "$NS" create job "demo-cleanup-$(date +%s)" --from=cronjob/"$cronjob"

# status_line prints "<video phase>|<slide phase>|<cleanup job>|<cleanup outcome>".
status_line() {
  printf '%s|%s|%s\n' \
    "$(kubectl -n "$NS" get videotask "$VIDEO_TASK" -o jsonpath='{.status.phase}')" \
    "$(kubectl -n "$NS" get slidetask "$SLIDE_TASK" -o jsonpath='{.status.phase}')" \
    "$(kubectl -n "$NS" get cleanuppolicy "$POLICY" -o jsonpath='{.status.lastRun.jobName}|{.status.lastRun.outcome}')"
}
finished() { [[ "$1" == Succeeded || "$1" == Failed ]]; }

echo
echo "progress (kubectl get langflix -n $NS, every 2 s):"
deadline=$((SECONDS + TIMEOUT))
drawn=0 previous=""
while :; do
  table=$(kubectl -n "$NS" get langflix -l "$DEMO_LABEL" 2>&1 || true)
  IFS='|' read -r video_phase slide_phase cleanup_job cleanup_ok <<<"$(status_line)"
  cleanup_state=running
  [[ -n "$cleanup_job" ]] && cleanup_state="done"
  frame=$(printf '%s\n\n[%s] VideoTask %s, SlideTask %s, cleanup run %s' "$table" "$(elapsed)" \
    "${video_phase:-Pending}" "${slide_phase:-Pending}" "$cleanup_state")
  if [[ -t 1 ]]; then
    # Redraw in place: move up over the previous frame and clear to the end of the screen.
    ((drawn > 0)) && printf '\033[%dA\033[J' "$drawn"
    printf '%s\n' "$frame"
    # Rows, not lines: a line wider than the terminal wraps onto more rows.
    drawn=$(printf '%s\n' "$frame" | awk -v cols="$(tput cols 2>/dev/null || echo 80)" \
      '{ n += length($0) ? int((length($0) + cols - 1) / cols) : 1 } END { print n }')
  elif [[ "$table" != "$previous" ]]; then
    # Not a terminal (a CI log): print a frame only when the table changed.
    printf '%s\n\n' "$frame"
  fi
  previous="$table"
  if finished "$video_phase" && finished "$slide_phase" && [[ -n "$cleanup_job" ]]; then
    break
  fi
  ((SECONDS < deadline)) || { echo; die "the tasks did not finish within ${TIMEOUT}s (DEMO_TIMEOUT)"; }
  sleep 2
done

# report_failure KIND NAME: why a task failed, its events and the end of its runner's log. Events and logs
# of earlier runs of a task with the same name are left out (by the task's uid, and the pod of its Job).
report_failure() {
  local kind="$1" name="$2" uid job pod log
  echo
  echo "$kind $name failed: $(kubectl -n "$NS" get "$kind" "$name" -o jsonpath='{.status.reason}: {.status.message}')"
  uid=$(kubectl -n "$NS" get "$kind" "$name" -o jsonpath='{.metadata.uid}')
  echo "events:"
  kubectl -n "$NS" get events --field-selector "involvedObject.uid=$uid" --sort-by=.lastTimestamp || true
  job=$(kubectl -n "$NS" get "$kind" "$name" -o jsonpath='{.status.jobName}')
  [[ -n "$job" ]] || return 0
  for pod in $(kubectl -n "$NS" get pods -l "batch.kubernetes.io/job-name=$job" -o jsonpath='{.items[*].metadata.name}'); do
    log="$CLUSTER_DIR/node/pods/${NS}_$pod/runner.log"
    [[ -f "$log" ]] || continue
    echo "runner log ($log):"
    tail -n 20 "$log"
  done
}
failed=false
[[ "$video_phase" == Succeeded ]] || { report_failure videotask "$VIDEO_TASK"; failed=true; }
[[ "$slide_phase" == Succeeded ]] || { report_failure slidetask "$SLIDE_TASK"; failed=true; }
if [[ "$cleanup_ok" != Succeeded ]]; then
  echo
  echo "cleanup $cleanup_job failed: $(kubectl -n "$NS" get cleanuppolicy "$POLICY" -o jsonpath='{.status.lastRun.message}')"
  kubectl -n "$NS" get events --field-selector "involvedObject.uid=$(kubectl -n "$NS" get cleanuppolicy "$POLICY" -o jsonpath='{.metadata.uid}')" \
    --sort-by=.lastTimestamp || true
  failed=true
fi
$failed && die "a task failed (the cluster keeps running: kubectl get langflix -n $NS)"

# ---------------------------------------------------------------------------------------------------------
say "6/6 results"
lesson="$MEDIA/$LESSON_OUT"
manifest="$lesson/manifest.json"
echo "The lesson ($(kubectl -n "$NS" get videotask "$VIDEO_TASK" -o jsonpath='{.status.message}'))"
echo "  folder:   $lesson"
echo "  manifest: $manifest"
echo
# manifest.json is indented JSON written by the runner (runner/manifest): each expression's fields sit on
# lines of their own, six spaces deep, its files (and their subtitle modes, which have the same keys) eight
# spaces deep.
awk '
  function value(line) { sub(/^ *"[^"]*": "?/, "", line); sub(/"?,?$/, "", line); gsub(/\\"/, "\"", line); return line }
  BEGIN { mode = "none" }
  function clock(s) { return sprintf("%d:%02d", int(s / 60), int(s % 60)) }
  /^      "index": /       { n = value($0) }
  /^      "phrase": /      { phrase = value($0) }
  /^      "translation": / { translation = value($0) }
  /^      "dialogue": /    { dialogue = value($0) }
  /^      "start": /       { start = value($0) }
  /^      "files": /       { section = "files" }
  /^      "subtitles": /   { section = "subtitles" }
  /^        "video": / && section == "files"     { video = value($0) }
  /^        "video": / && section == "subtitles" { mode = value($0) }
  /^    }/ && video != ""  { printf "  %s. %s  =  %s\n     at %s: \"%s\"\n     %s (subtitles: %s)\n", n, phrase, translation, clock(start), dialogue, video, mode; video = ""; mode = "none"; section = "" }
' "$manifest"
echo
echo "Files (by kind):"
for kind in videos clips slides; do
  printf '  %-7s %s\n' "$kind" "$(find "$lesson/$kind" -type f 2>/dev/null | wc -l) files in $lesson/$kind"
done
slide=$(find "$MEDIA/$SLIDE_OUT" -name '*.png' | head -n 1)
echo "  slide   $slide (SlideTask $SLIDE_TASK)"
first_video=$(find "$lesson/videos" -name '*.mp4' | sort | head -n 1)
first_slide=$(find "$lesson/slides" -name '*.png' | sort | head -n 1)
echo
echo "Cleanup: $(kubectl -n "$NS" get cleanuppolicy "$POLICY" -o jsonpath='{.status.lastRun.filesDeleted} files ({.status.lastRun.bytesFreed} bytes) deleted by {.status.lastRun.jobName}') from $MEDIA/lessons/demo-old-episode; manifest.json kept (excluded)"
# The frame of the first lesson where its expression is said, with both subtitle lines on it. The lesson
# opens with the context clip, so that is (start + end) / 2 - contextStart seconds in (manifest.json).
said_at=$(awk '
  function num(line) { sub(/^ *"[^"]*": /, "", line); sub(/,$/, "", line); return line + 0 }
  /^      "start": /        { start = num($0) }
  /^      "end": /          { end = num($0) }
  /^      "contextStart": / { printf "%.2f\n", (start + end) / 2 - num($0); exit }
' "$manifest")
frame_png="$CACHE/demo/lesson-frame.png"
ffmpeg -hide_banner -loglevel error -y -ss "$said_at" -i "$first_video" -frames:v 1 "$frame_png" || frame_png=""
echo
echo "Look at them:"
echo "  ffplay -autoexit '$first_video'"
if [[ -n "$frame_png" ]]; then
  echo "  xdg-open '$frame_png'   # the lesson at ${said_at} s: the line with the expression in gold, Korean below"
  echo "    (made by: ffmpeg -ss $said_at -i '$first_video' -frames:v 1 '$frame_png')"
fi
echo "  xdg-open '$first_slide'"
echo "  xdg-open '$slide'"
echo
# The cluster commands below need the same cluster folder and ports as this run.
cluster_cmd="hack/local-cluster.sh"
if [[ -n "${LANGFLIX_CLUSTER_DIR:-}${LANGFLIX_CLUSTER_PORT_BASE:-}" ]]; then
  cluster_cmd="LANGFLIX_CLUSTER_DIR=$CLUSTER_DIR LANGFLIX_CLUSTER_PORT_BASE=$PORT_BASE hack/local-cluster.sh"
fi
echo "Explore:"
echo "  eval \"\$($cluster_cmd env)\"   # KUBECONFIG, and kubectl and helm on PATH"
echo "  kubectl get langflix -n $NS"
echo "  kubectl describe videotask -n $NS $VIDEO_TASK"
echo "  kubectl logs -n $RELEASE_NS deploy/$RELEASE"
echo
echo "Stop the cluster (state and outputs stay in $CLUSTER_DIR):"
echo "  $cluster_cmd down"
echo
echo "demo finished in $(elapsed)"
