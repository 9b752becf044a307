#!/usr/bin/env bash
# End-to-end check of the local cluster (hack/local-cluster.sh) and localnode, with real Jobs:
#   1. a Job writes a file to a PersistentVolumeClaim mounted at /data and a termination message; it must
#      complete, the file must appear in the volume's host directory and the message in the pod status;
#   2. a Job with activeDeadlineSeconds=5 running `sleep 600` must fail with DeadlineExceeded, and the
#      sleep process must be gone;
#   3. a CronJob with schedule "* * * * *" must create a Job (within 75 s) that completes;
#   4. pod start latency: five Jobs in a row record, from inside the container, when their process started;
#      `kubectl logs` (API server -> localnode HTTPS API) must return their output;
#   5. a pod's service account token reaches the process as $KUBECONFIG: kubectl run inside the pod must be
#      authenticated as system:serviceaccount:<namespace>:default.
#
#   hack/localnode/smoke.sh           use the running cluster (starts it if needed)
#   hack/localnode/smoke.sh --cold    reset the cluster first and time a cold and a warm `up`
#
# Exits non-zero on the first failed check. Leaves the cluster running; deletes its namespace at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER="$ROOT/hack/local-cluster.sh"
NS=localnode-smoke
CLUSTER_DIR="${LANGFLIX_CLUSTER_DIR:-${LANGFLIX_CACHE:-$HOME/.cache/langflix}/cluster}"
DATA_DIR="$CLUSTER_DIR/volumes/${NS}_smoke-data"
IMAGE="busybox:1.36" # local-cluster.sh maps busybox:* to /bin/, so command[0] picks the program

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
say() { printf '[smoke] %s\n' "$*"; }
fail() {
  say "FAIL: $*"
  kubectl -n "$NS" get jobs,pods -o wide 2>/dev/null || true
  exit 1
}

if [[ "${1:-}" == --cold ]]; then
  "$CLUSTER" reset
  t=$(now)
  "$CLUSTER" up
  say "cluster up, cold (state reset, binaries cached): $(since "$t") s"
fi
t=$(now)
"$CLUSTER" up
say "cluster up, warm (already running): $(since "$t") s"
eval "$("$CLUSTER" env)"

kubectl delete namespace "$NS" --ignore-not-found --wait=true --timeout=120s >/dev/null
rm -rf "$DATA_DIR"
"$CLUSTER" pvc "$NS" smoke-data "$DATA_DIR"

job_pod() { kubectl -n "$NS" get pods -l "job-name=$1" -o jsonpath='{.items[0].metadata.name}'; }

# --- 1. file on a PVC and a termination message ----------------------------------------------------------
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: write-file
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: $IMAGE
        command:
        - sh
        - -c
        - 'echo hi > /data/out.txt; echo "{\"ok\":true}" > /dev/termination-log'
        volumeMounts:
        - {name: data, mountPath: /data}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: smoke-data}
EOF
kubectl -n "$NS" wait --for=condition=Complete job/write-file --timeout=60s >/dev/null || fail "job write-file did not complete"
say "job write-file: created -> Complete in $(since "$t") s"
[[ "$(cat "$DATA_DIR/out.txt")" == hi ]] || fail "$DATA_DIR/out.txt does not hold 'hi'"
say "  $DATA_DIR/out.txt = $(cat "$DATA_DIR/out.txt")"
msg=$(kubectl -n "$NS" get pod "$(job_pod write-file)" -o jsonpath='{.status.containerStatuses[0].state.terminated.message}')
[[ "$msg" == '{"ok":true}' ]] || fail "termination message is '$msg', want {\"ok\":true}"
say "  termination message in pod status: $msg"

# --- 2. activeDeadlineSeconds ---------------------------------------------------------------------------
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: deadline
spec:
  activeDeadlineSeconds: 5
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: $IMAGE
        command: ["sleep", "600"]
EOF
pid=""
for _ in $(seq 1 100); do
  cid=$(kubectl -n "$NS" get pods -l job-name=deadline -o jsonpath='{.items[0].status.containerStatuses[0].containerID}' 2>/dev/null || true)
  [[ "$cid" == localnode://* ]] && pid=${cid#localnode://} && break
  sleep 0.2
done
[[ -n "$pid" ]] || fail "the deadline job's pod never started"
[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == "/bin/sleep 600 " ]] || fail "pid $pid is not 'sleep 600'"
say "job deadline: sleep 600 runs as pid $pid"
kubectl -n "$NS" wait --for=condition=Failed job/deadline --timeout=60s >/dev/null || fail "job deadline did not fail"
reason=$(kubectl -n "$NS" get job deadline -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}')
[[ "$reason" == DeadlineExceeded ]] || fail "job deadline failed with reason '$reason', want DeadlineExceeded"
say "  created -> Failed ($reason) in $(since "$t") s"
# A process that exited but was not reaped yet (zombie, state Z) no longer runs.
state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null || echo gone)
[[ "$state" == gone || "$state" == Z ]] || fail "sleep (pid $pid) still runs, state $state"
say "  sleep process $pid: ${state/Z/exited (zombie awaiting reaping by init)}"

# --- 3. CronJob ------------------------------------------------------------------------------------------
t=$(now)
kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: CronJob
metadata:
  name: every-minute
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: main
            image: $IMAGE
            command: ["sh", "-c", "echo cron ran"]
EOF
cron_job=""
for _ in $(seq 1 375); do
  cron_job=$(kubectl -n "$NS" get jobs -o jsonpath='{range .items[?(@.metadata.ownerReferences[0].name=="every-minute")]}{.metadata.name}{"\n"}{end}' | head -n 1)
  [[ -n "$cron_job" ]] && break
  sleep 0.2
done
[[ -n "$cron_job" ]] || fail "the CronJob created no Job within 75 s"
say "cronjob every-minute: created job $cron_job after $(since "$t") s"
kubectl -n "$NS" wait --for=condition=Complete "job/$cron_job" --timeout=60s >/dev/null || fail "job $cron_job did not complete"
say "  job $cron_job complete $(since "$t") s after the CronJob was created"
kubectl -n "$NS" delete cronjob every-minute >/dev/null

# --- 4. pod start latency and kubectl logs ---------------------------------------------------------------
latencies=()
for i in 1 2 3 4 5; do
  t=$(now)
  kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: latency-$i
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: $IMAGE
        command: ["sh", "-c", "date +%s.%N > /data/started-$i; echo started $i"]
        volumeMounts:
        - {name: data, mountPath: /data}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: smoke-data}
EOF
  kubectl -n "$NS" wait --for=condition=Complete "job/latency-$i" --timeout=60s >/dev/null || fail "job latency-$i did not complete"
  complete=$(since "$t")
  started=$(awk -v a="$t" '{ printf "%.2f", $1 - a }' "$DATA_DIR/started-$i")
  latencies+=("$started")
  out=$(kubectl -n "$NS" logs "job/latency-$i") || fail "kubectl logs job/latency-$i failed"
  [[ "$out" == "started $i" ]] || fail "kubectl logs job/latency-$i returned '$out'"
  say "job latency-$i: Job created -> process started $started s, -> Complete $complete s; kubectl logs: $out"
done
say "Job created -> process started: $(printf '%s\n' "${latencies[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %s s, median %s s, max %s s", a[1], a[int((NR+1)/2)], a[NR]}')"

# --- 5. service account kubeconfig -----------------------------------------------------------------------
kubectl -n "$NS" apply -f - >/dev/null <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: whoami
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: $IMAGE
        command: ["sh", "-c", "\$KUBECTL auth whoami -o jsonpath='{.status.userInfo.username}'"]
        env:
        - {name: KUBECTL, value: "$(command -v kubectl)"}
EOF
kubectl -n "$NS" wait --for=condition=Complete job/whoami --timeout=60s >/dev/null || fail "job whoami did not complete: $(kubectl -n "$NS" logs job/whoami 2>&1)"
user=$(kubectl -n "$NS" logs job/whoami)
[[ "$user" == "system:serviceaccount:$NS:default" ]] || fail "kubectl in the pod authenticated as '$user'"
say "job whoami: kubectl inside the pod (via \$KUBECONFIG) is $user"

t=$(now)
kubectl delete namespace "$NS" --wait=true --timeout=120s >/dev/null || fail "namespace $NS was not deleted"
say "namespace $NS deleted in $(since "$t") s"
"$CLUSTER" status | sed 's/^/[smoke] /'
say "PASS"
