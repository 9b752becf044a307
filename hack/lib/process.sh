# Shared by hack/kueue.sh and hack/kwok.sh: stopping a program started in the background with a pid file.
# Source it after defining PID_FILE, STOP_TIMEOUT, log MESSAGE and pid_of (prints the pid while the program
# named in PID_FILE still runs, fails otherwise).

# stop_process NAME: SIGTERM, then SIGKILL after STOP_TIMEOUT seconds; removes the pid file.
stop_process() {
  local name="$1" pid deadline
  if ! pid=$(pid_of); then
    rm -f "$PID_FILE"
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) still alive after ${STOP_TIMEOUT}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  log "stopped $name"
}
