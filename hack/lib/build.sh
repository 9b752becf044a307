# Shared by hack/build-k8s-binaries.sh and hack/build-tools.sh: the cache check and the logged, heartbeating
# build step that make a first run say what it is doing. Source it after defining BIN_DIR, LOG_DIR, HEARTBEAT,
# log MESSAGE and stamp_of NAME (the string that identifies NAME's pinned version and build flags).

# cached NAME: NAME is in BIN_DIR and was built from the version and flags stamp_of NAME names.
cached() { [[ -x "$BIN_DIR/$1" && -f "$BIN_DIR/.$1.version" && "$(cat "$BIN_DIR/.$1.version")" == "$(stamp_of "$1")" ]]; }

# run_logged NAME COMMAND...: runs COMMAND with its output in NAME's log, printing a line every HEARTBEAT
# seconds while it runs and the log's tail when it fails.
run_logged() {
  local name="$1" logfile="$LOG_DIR/$1.log" pid start next
  shift
  start=$SECONDS next=$((SECONDS + HEARTBEAT))
  "$@" >"$logfile" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= next)); then
      log "      still building $name: $(((SECONDS - start) / 60)) min so far"
      next=$((SECONDS + HEARTBEAT))
    fi
    sleep 1
  done
  if ! wait "$pid"; then
    log "building $name failed after $((SECONDS - start)) s; the end of $logfile:"
    tail -n 30 "$logfile" >&2
    exit 1
  fi
}

# in_dir DIR COMMAND...: runs COMMAND in DIR (run_logged starts it in a subshell, so the cd stays there).
in_dir() { cd "$1" && shift && "$@"; }
