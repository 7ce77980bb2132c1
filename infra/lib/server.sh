# shellcheck shell=bash
# What the infra/<server>/start.sh and stop.sh scripts share. Sourced, not run; the sourcing
# script defines `log` (progress to stderr) first.

# free_ports <count>: prints <count> distinct free loopback ports on one line. The sockets are
# held open together, so the ports differ.
free_ports() {
  python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
' "$1"
}

# already_running <state dir> <VARIABLE> <what> <probe>: when the state names a live process and
# `<probe> <value of VARIABLE>` succeeds, says so, prints VARIABLE=value on stdout and succeeds.
already_running() {
  local state_dir=$1 variable=$2 what=$3 probe=$4 pid value
  [[ -f "$state_dir/pid" && -f "$state_dir/env" ]] || return 1
  pid="$(cat "$state_dir/pid")"
  value="$(sed -n "s/^$variable=//p" "$state_dir/env")"
  kill -0 "$pid" 2>/dev/null && "$probe" "$value" || return 1
  log "$what already running (pid $pid)"
  echo "$variable=$value"
}

# terminate <pid> <timeout seconds> <what>: SIGTERM, then SIGKILL once the timeout has passed.
terminate() {
  local pid=$1 timeout_seconds=$2 what=$3 deadline
  log "stopping $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + timeout_seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "$what still running after ${timeout_seconds}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

# remove_work_dir <dir> <name prefix>: deletes a temporary directory start.sh made, and nothing
# else (a state file pointing elsewhere is left alone, with a message).
remove_work_dir() {
  case "$1" in
    */"$2"-*) rm -rf "$1" ;;
    *) log "not removing unexpected directory '$1'" ;;
  esac
}
