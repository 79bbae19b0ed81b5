#!/bin/sh
# --systemd-cgroup for real: systemd 252 is the guest's pid 1 (profile systemd). Each runtime makes the container's
# cgroup as a transient scope through systemd's D-Bus API; the cases read the unit (systemctl) and the files.
#   suite-systemd.sh OCIRUN [RUNTIME...]     RUNTIME: ocirun, runc, crun (default: all three)
set -u
OCIRUN=$1; shift
RUNTIMES=${*:-ocirun runc crun}
HERE=$(cd "$(dirname "$0")" && pwd)
RTFLAGS=--systemd-cgroup
. "$HERE/lib.sh"

# slice:prefix:name → the scope ocirun-test-<rt>-<case>.scope in system.slice.
paths() {
  UNIT=ocirun-test-$RT-$(echo "$c" | tr _ -).scope
  CGPATH=system.slice:ocirun-test:$RT-$(echo "$c" | tr _ -) CGDIR=$CG/system.slice/$UNIT
}
residue() {
  { ls -d "$CG"/system.slice/ocirun-test-* "$CG"/machine.slice/libpod-* "$CG"/system.slice/docker-* 2>/dev/null
    systemctl list-units --all --no-legend 'ocirun-test-*' 'libpod-*' 'docker-*' 2>/dev/null
    # A daemon of the engine cases, its containerd or a shim still running.
    pids_under "$W/docker"; pids_under "$W/containerd"; } | tr '\n' ' '
}
# What a failed engine case left (a podman container; docker's or containerd's daemon), before the next case.
cleanup_case() {
  # The engine cases' daemons, when a scenario failed before the case stopped them.
  docker_stop; containerd_stop
  [ -f "$W/podman/name" ] || return 0
  pod rm -f -t 0 "$(cat "$W/podman/name")" > /dev/null 2>&1
  rm -f "$W/podman/name"
}
prop() { systemctl show -p "$1" --value "$UNIT"; }

case_systemd_running() {
  [ -S /run/systemd/private ] || fail "no /run/systemd/private: systemd is not pid 1 here"
  expect "pid 1" "$(cat /proc/1/comm)" systemd
}

case_scope() {
  bundle '{}' 'cat /proc/self/cgroup; sleep 1000'
  run_bg
  wait_procs 1
  expect "unit state" "$(systemctl is-active "$UNIT")" active
  expect "Delegate" "$(prop Delegate)" yes
  expect "Slice" "$(prop Slice)" system.slice
  pid=$(rt state "$ID" | jq -r .pid)
  expect_match "the container's pid in the scope" "$(cat "$CGDIR/cgroup.procs")" "^$pid\$"
  expect "its cgroup, seen inside (cgroup namespace)" "$(head -1 "$OUT")" "0::/"
}

case_limits() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":42},"cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0"}}' 'sleep 1000'
  run_bg
  expect "MemoryMax" "$(prop MemoryMax)" 67108864
  expect "TasksMax" "$(prop TasksMax)" 42
  expect "CPUWeight" "$(prop CPUWeight)" 39
  expect "CPUQuotaPerSecUSec" "$(prop CPUQuotaPerSecUSec)" 500ms
  expect "AllowedCPUs" "$(prop AllowedCPUs)" 0
  expect "memory.max" "$(host memory.max)" 67108864
  expect "pids.max" "$(host pids.max)" 42
  expect "cpu.max" "$(host cpu.max)" "50000 100000"
  expect "cpu.weight" "$(host cpu.weight)" 39
  expect "cpuset.cpus" "$(host cpuset.cpus)" 0
}

case_inside() {
  # The scope is made after the runtime plans the container's mounts (systemd needs init's pid): its cgroup2 mount
  # must still be the scope's, not a masked empty directory.
  bundle '{"memory":{"limit":67108864},"pids":{"limit":42}}' "$(probe memory.max pids.max)"
  run_fg || fail "run: $(tail -1 "$ERR")"
  expect "memory.max inside" "$(inside memory.max)" 67108864
  expect "pids.max inside" "$(inside pids.max)" 42
}

case_files_beyond_systemd() {
  # What systemd has no property for is written to the scope's files (the delegated subtree is ours).
  bundle '{"memory":{"limit":67108864},"unified":{"memory.high":"50331648"}}' 'sleep 1000'
  run_bg
  expect "memory.high" "$(host memory.high)" 50331648
}

case_exec_joins() {
  bundle '{}' 'sleep 1000'
  run_bg
  rt exec "$ID" cat /proc/self/cgroup > "$OUT" 2> "$ERR" || fail "exec: $(cat "$ERR")"
  expect "exec'd process's cgroup" "$(cat "$OUT")" "0::/"
  expect "unit state after exec" "$(systemctl is-active "$UNIT")" active
}

case_update() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":20}}' 'sleep 1000'
  run_bg
  rt update --memory 104857600 --pids-limit 50 "$ID" 2> "$ERR" || fail "update: $(cat "$ERR")"
  expect "MemoryMax after update" "$(prop MemoryMax)" 104857600
  expect "TasksMax after update" "$(prop TasksMax)" 50
  expect "memory.max after update" "$(host memory.max)" 104857600
  expect "pids.max after update" "$(host pids.max)" 50
}

case_pause() {
  bundle '{}' 'sleep 1000'
  run_bg
  rt pause "$ID" 2> "$ERR" || fail "pause: $(cat "$ERR")"
  expect_match "cgroup.events after pause" "$(host cgroup.events)" 'frozen 1'
  rt resume "$ID" 2> "$ERR" || fail "resume: $(cat "$ERR")"
  expect_match "cgroup.events after resume" "$(host cgroup.events)" 'frozen 0'
}

case_delete() {
  deleted_by_systemd
  [ -d "$CGDIR" ] && fail "delete left $CGDIR"
  true
}

case_connections() {
  # Each update is a new D-Bus connection to systemd. systemd 252 leaves a message that reaches it in the same read as
  # the client's BEGIN unparsed: before the handshake sent BEGIN with AUTH, about one connection in four stalled here.
  bundle '{"pids":{"limit":100}}' 'sleep 1000'
  run_bg
  n=1; slowest=0
  while [ $n -le 8 ]; do
    t0=$(cut -d' ' -f1 /proc/uptime)
    rt update --pids-limit $((100 + n)) "$ID" 2> "$ERR" || fail "update $n: $(cat "$ERR")"
    slowest=$(echo "$t0 $(cut -d' ' -f1 /proc/uptime) $slowest" | awk '{d=$2-$1; print (d>$3)?d:$3}')
    n=$((n + 1))
  done
  expect "TasksMax after 8 updates" "$(prop TasksMax)" 108
  echo "# $RT/connections: slowest update ${slowest}s" >&2
  # A connection that needs more than a few seconds here stalled and was rescued by something else.
  [ "$(echo "$slowest" | awk '{print ($1 < 10)}')" = 1 ] || fail "an update took ${slowest}s"
}

case_devices() {
  # linux.resources.devices under --systemd-cgroup: the unit gets DevicePolicy=strict and the allow list as systemd
  # spells it, and inside the scratch disk (allowed "r" only) can be read but not opened for writing.
  [ -n "$VDA" ] || skip "no /dev/vda in this guest"
  maj=${VDA%:*} min=${VDA#*:}
  bundle "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":$maj,\"minor\":$min,\"access\":\"r\"}]}" \
    'head -c 512 /dev/vda > /dev/null && echo read=ok || echo read=denied
     (echo x > /dev/vda) 2> /tmp/e && echo write=ok || echo write=$(cat /tmp/e)
     echo null=$(head -c 1 /dev/zero > /dev/null && echo x > /dev/null && echo ok); sleep 1000' \
    ".linux.devices = [{path: \"/dev/vda\", type: \"b\", major: $maj, minor: $min, fileMode: 432, uid: 0, gid: 0}]"
  run_bg
  i=0; while [ $i -lt 50 ] && ! grep -q '^null=' "$OUT"; do sleep 0.1; i=$((i+1)); done
  expect "DevicePolicy" "$(prop DevicePolicy)" strict
  allow=$(prop DeviceAllow | tr '\n' ';')
  expect_match "DeviceAllow" "$allow" "/dev/block/$maj:$min r;"
  # A whole major: runc 1.1.5 names it by its /proc/devices group (char-pts), newer runc and ocirun by number, which
  # systemd ≥ 240 parses (char-pts would also take any other major the kernel names "pts").
  expect_match "DeviceAllow (a whole major: /dev/pts)" "$allow" "char-(136|pts) rwm"
  expect "the allowed device, read" "$(inside read)" ok
  expect_match "the device opened for writing" "$(inside write)" "Operation not permitted"
  expect "a default device (/dev/null, /dev/zero)" "$(inside null)" ok
}

# --- podman on its systemd defaults (cgroup_manager = "systemd"), the runtime under test as its OCI runtime --------
# Private storage under $W (vfs: the guest's root is already an overlay), no network, the busybox rootfs of lib.sh
# imported as an image (no registry). The runtime makes each container's scope, libpod-<id>.scope in machine.slice.
pod() {
  _t0=$(cut -d' ' -f1 /proc/uptime)
  TMPDIR=$W/podman/tmp podman --root "$W/podman/root" --runroot "$W/podman/run" --tmpdir "$W/podman/tmp" --storage-driver vfs \
    --events-backend file --cgroup-manager systemd --runtime "$RTBIN" "$@"; _rc=$?
  echo "podman-$1 $(cut -d' ' -f1 /proc/uptime) $_t0" | awk '{printf "%s %.2fs; ", $1, $2-$3}' >> "$W/steps"
  return $_rc
}
podman_image() {
  [ -f "$W/podman/imported" ] && return 0
  mkdir -p "$W/podman/root" "$W/podman/run" "$W/podman/tmp"
  # containers/image keeps a blob-info cache in /var/lib/containers for root whatever --root says: the guest's
  # /var is the tmpfs overlay, so it goes when the guest does.
  tar -C "$W/rootfs" -cf "$W/podman/busybox.tar" . || return 1
  pod import "$W/podman/busybox.tar" localhost/ocirun-test-busybox:latest > /dev/null 2> "$ERR" &&
    touch "$W/podman/imported"
}
case_podman() {
  command -v podman > /dev/null || skip "podman is not installed"
  command -v conmon > /dev/null || skip "conmon is not installed"
  podman_image || fail "podman import: $(tail -1 "$ERR")"
  NAME=ocirun-test-podman-$RT
  echo "$NAME" > "$W/podman/name"
  CID=$(pod run -d --name "$NAME" --network none --pull never --memory 64m localhost/ocirun-test-busybox:latest \
        sh -c 'cat /proc/self/cgroup; sleep 1000' 2> "$ERR") || fail "podman run: $(tail -1 "$ERR")"
  UNIT=libpod-$CID.scope
  expect "the container's scope" "$(systemctl is-active "$UNIT")" active
  expect "its slice (podman's default cgroup parent)" "$(prop Slice)" machine.slice
  expect "Delegate" "$(prop Delegate)" yes
  expect "MemoryMax" "$(prop MemoryMax)" 67108864
  CGDIR=$CG$(prop ControlGroup)
  expect "memory.max" "$(host memory.max)" 67108864
  conmon=$(pod inspect --format '{{.State.ConmonPid}}' "$NAME")
  # podman 4.3 leaves conmon in its caller's cgroup here (no libpod-conmon scope), whatever the runtime: noted only.
  echo "# $RT/podman: conmon in $(cat /proc/$conmon/cgroup)" >&2
  pid=$(pod inspect --format '{{.State.Pid}}' "$NAME")
  expect_match "the container's pid in its scope" "$(cat "$CGDIR/cgroup.procs")" "^$pid\$"
  expect "its cgroup seen from inside" "$(pod exec "$NAME" cat /proc/self/cgroup 2> "$ERR")" "0::/"
  # podman mounts /sys/fs/cgroup as type "cgroup"; on a v2 host that is the scope's cgroup2, as runc mounts it.
  expect "exec'd process's memory.max" "$(pod exec "$NAME" cat /sys/fs/cgroup/memory.max 2>&1)" 67108864
  pod pause "$NAME" > /dev/null 2> "$ERR" || fail "podman pause: $(tail -1 "$ERR")"
  expect_match "cgroup.events after pause" "$(host cgroup.events)" 'frozen 1'
  expect "state after pause" "$(pod inspect --format '{{.State.Status}}' "$NAME")" paused
  pod unpause "$NAME" > /dev/null 2> "$ERR" || fail "podman unpause: $(tail -1 "$ERR")"
  expect_match "cgroup.events after unpause" "$(host cgroup.events)" 'frozen 0'
  pod update --memory 128m "$NAME" > /dev/null 2> "$ERR" || fail "podman update: $(tail -1 "$ERR")"
  expect "MemoryMax after update" "$(prop MemoryMax)" 134217728
  expect "memory.max after update" "$(host memory.max)" 134217728
  pod stop -t 1 "$NAME" > /dev/null 2> "$ERR" || fail "podman stop: $(tail -1 "$ERR")"
  expect "state after stop" "$(pod inspect --format '{{.State.Status}}' "$NAME")" exited
  pod rm "$NAME" > /dev/null 2> "$ERR" || fail "podman rm: $(tail -1 "$ERR")"
  rm -f "$W/podman/name"
  i=0; while [ $i -lt 30 ] && systemctl list-units --all --no-legend "libpod-*$CID*" | grep -q .; do sleep 0.1; i=$((i+1)); done
  expect "units after rm" "$(systemctl list-units --all --no-legend "libpod-*$CID*")" ""
  [ -d "$CGDIR" ] && fail "rm left $CGDIR"
  true
}

# --- docker and containerd on their systemd defaults, the runtime under test as their OCI runtime -----------------
# Each case starts its daemon once (per runtime) and runs the engine tests' scenarios against it: run, exec,
# pause/unpause, update, stop. Daemon state lives under $W (no registry, no network: the busybox rootfs of lib.sh is
# imported as the image); the daemon, its containerd and shims are stopped and their directories removed by the case,
# or by cleanup_case when a scenario failed.

# The busybox rootfs as a tar, the layer both engines import.
rootfs_tar() {
  [ -f "$W/rootfs.tar" ] || tar -C "$W/rootfs" -cf "$W/rootfs.tar" . || return 1
  echo "$W/rootfs.tar"
}
# check WHAT ACTUAL WANTED (check_match WHAT ACTUAL REGEX): as expect, but the case goes on: one daemon start covers
# every scenario, so a difference in one must not hide the others. checks_done fails the case with all of them;
# efail (a step that cannot go on) names them too.
check() { [ "$2" = "$3" ] || echo "$1: got '$2', want '$3'" >> "$W/soft"; }
check_match() { echo "$2" | grep -Eq "$3" || echo "$1: got '$2', want /$3/" >> "$W/soft"; }
differences() { [ -s "$W/soft" ] && tr '\n' '\t' < "$W/soft" | sed 's/\t$//; s/\t/; /g'; }
efail() { _d=$(differences); fail "$*${_d:+ (and before it: $_d)}"; }
checks_done() { [ -s "$W/soft" ] && fail "$(differences)"; true; }
# A step's stderr on one line (docker splits some errors over lines and ends them with an empty one).
lasterr() { grep . "$ERR" | tail -5 | tr '\n' ' ' | sed 's/ $//' | cut -c1-400; }

# timed WHAT CMD...: runs CMD, adding its duration to $W/steps.
timed() {
  _what=$1; shift
  _t0=$(cut -d' ' -f1 /proc/uptime)
  "$@"; _rc=$?
  echo "$_what $(cut -d' ' -f1 /proc/uptime) $_t0" | awk '{printf "%s %.2fs; ", $1, $2-$3}' >> "$W/steps"
  return $_rc
}
# wait_gone UNIT: until systemd no longer lists UNIT (a stopped scope is collected shortly after), 5 s at most.
wait_gone() {
  i=0; while [ $i -lt 50 ] && systemctl list-units --all --no-legend "$1" | grep -q .; do sleep 0.1; i=$((i+1)); done
  systemctl list-units --all --no-legend "$1"
}
# alive PID: the process exists and is not a zombie (a daemon this shell started stays one until the shell waits).
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2> /dev/null; }
# up WHAT PIDFILE LOG SOCKET CHECK...: until the daemon's SOCKET exists and CHECK succeeds (it answers), 120 s at most;
# fails if the daemon died. The socket first: a client (a Go binary) costs seconds a start under emulation.
up() {
  _what=$1 _pid=$(cat "$2") _log=$3 _sock=$4; shift 4
  _t0=$(cut -d' ' -f1 /proc/uptime); i=0
  until [ -S "$_sock" ] && "$@" > /dev/null 2>&1; do
    alive "$_pid" || fail "$_what exited: $(tail -3 "$_log" | tr '\n' ' ')"
    [ $i -ge 600 ] && fail "$_what did not answer in 120 s: $(tail -3 "$_log" | tr '\n' ' ')"
    sleep 0.2; i=$((i+1))
  done
  echo "$_what-up $(cut -d' ' -f1 /proc/uptime) $_t0" | awk '{printf "%s %.2fs; ", $1, $2-$3}' >> "$W/steps"
}
# pids_under DIR: processes whose command line names DIR (our daemons and shims: their sockets and roots are there).
# One grep over every cmdline; the pattern comes from a file so that grep's own command line does not match it.
pids_under() {
  printf '%s/\n' "$1" > "$W/pids-pattern"
  grep -lFf "$W/pids-pattern" /proc/[0-9]*/cmdline 2> /dev/null | sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p'
}
# ctrd_start DIR: a containerd 1.6 of our own, its root, state, sockets and log in DIR; no CRI and none of the plugins
# that reach outside DIR or only cost start-up time (under emulation it takes 10-20 s to answer).
ctrd_start() {
  mkdir -p "$1" || fail "mkdir $1"
  printf '%s\n' 'version = 2' "root = \"$1/root\"" "state = \"$1/state\"" \
    'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.internal.v1.tracing",' \
    '  "io.containerd.tracing.processor.v1.otlp", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",' \
    '  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]' \
    '[grpc]' "  address = \"$1/containerd.sock\"" '[ttrpc]' "  address = \"$1/containerd.sock.ttrpc\"" > "$1/config.toml"
  PATH=/usr/sbin:/usr/bin:/sbin:/bin containerd --config "$1/config.toml" > "$1/containerd.log" 2>&1 < /dev/null &
  echo $! > "$1/containerd.pid"
  up containerd "$1/containerd.pid" "$1/containerd.log" "$1/containerd.sock" ctr --address "$1/containerd.sock" version
}
# stop_daemons DIR PIDFILE...: SIGTERM to each daemon in turn, waiting up to 20 s for it to exit; SIGKILL to whatever
# process of DIR is left (a shim); then unmount what is mounted under DIR (deepest first) and remove DIR.
stop_daemons() {
  _dir=$1; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    _pid=$(cat "$f"); kill "$_pid" 2> /dev/null
    i=0; while [ $i -lt 100 ] && alive "$_pid"; do sleep 0.2; i=$((i+1)); done
  done
  for p in $(pids_under "$_dir"); do
    echo "# $RT: killing what was left: $(tr '\0' ' ' < /proc/$p/cmdline | cut -c1-100)" >&2; kill -9 "$p" 2> /dev/null
  done
  for m in $(awk -v d="$_dir/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m"; done
  rm -rf "$_dir"
}

# docker 20.10 with --exec-opt native.cgroupdriver=systemd: the shim passes SystemdCgroup to the runtime, which makes
# each container's scope docker-<id>.scope in system.slice (dockerd's default cgroup parent on that driver).
DK=$W/docker
dk() { timed "docker-$1" /usr/bin/docker -H "unix://$DK/docker.sock" "$@"; }
docker_start() {
  command -v dockerd > /dev/null || skip "dockerd is not installed"
  command -v containerd > /dev/null || skip "containerd is not installed"
  mkdir -p "$DK/data" "$DK/exec" "$DK/client" || fail "mkdir $DK"
  echo '{}' > "$DK/daemon.json"
  # A containerd of its own, given with --containerd as Debian's docker.service gives it the system's: the one dockerd
  # would start itself must answer within dockerd's fixed 15 s, which containerd under emulation often does not.
  ctrd_start "$DK/containerd"
  DOCKER_CONFIG=$DK/client PATH=/usr/sbin:/usr/bin:/sbin:/bin dockerd --data-root "$DK/data" --exec-root "$DK/exec" \
    --pidfile "$DK/dockerd.pid" -H "unix://$DK/docker.sock" --config-file "$DK/daemon.json" \
    --containerd "$DK/containerd/containerd.sock" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none --storage-driver vfs \
    --exec-opt native.cgroupdriver=systemd --add-runtime "rt=$RTBIN" --default-runtime rt \
    > "$DK/dockerd.log" 2>&1 < /dev/null &
  echo $! > "$DK/daemon.pid"
  up dockerd "$DK/daemon.pid" "$DK/dockerd.log" "$DK/docker.sock" /usr/bin/docker -H "unix://$DK/docker.sock" version --format '{{.Server.Version}}'
  dk import "$(rootfs_tar)" ocirun-test-busybox:latest > /dev/null 2> "$ERR" || fail "docker import: $(lasterr)"
}
docker_stop() {
  [ -d "$DK" ] || return 0
  if [ -S "$DK/docker.sock" ]; then
    ids=$(/usr/bin/docker -H "unix://$DK/docker.sock" ps -aq --no-trunc 2> /dev/null)
    [ -n "$ids" ] && /usr/bin/docker -H "unix://$DK/docker.sock" rm -f $ids > /dev/null 2>&1
  fi
  stop_daemons "$DK" "$DK/daemon.pid" "$DK/containerd/containerd.pid"
}
dk_state() { /usr/bin/docker -H "unix://$DK/docker.sock" inspect --format "$1" "$NAME"; }
dk_log() { /usr/bin/docker -H "unix://$DK/docker.sock" logs "$NAME" 2>&1 | head -1; }
case_docker() {
  rm -f "$W/soft"
  docker_start
  NAME=ocirun-test-docker-$RT
  CID=$(dk run -d --name "$NAME" --network none --pull never --memory 64m --memory-swap 128m ocirun-test-busybox:latest \
        sh -c 'cat /proc/self/cgroup; sleep 1000' 2> "$ERR") || efail "docker run: $(lasterr)"
  # run: the scope, delegated, in system.slice, with the limit as systemd's property and as the file.
  UNIT=docker-$CID.scope
  check "the container's scope" "$(systemctl is-active "$UNIT")" active
  check "its slice (dockerd's default cgroup parent)" "$(prop Slice)" system.slice
  check "Delegate" "$(prop Delegate)" yes
  check "MemoryMax" "$(prop MemoryMax)" 67108864
  CGDIR=$CG/system.slice/$UNIT
  check "ControlGroup" "$(prop ControlGroup)" "/system.slice/$UNIT"
  check "memory.max" "$(host memory.max)" 67108864
  # The runtime's --root, which dockerd 20.10 names after runc whatever the runtime is called.
  [ -d "$DK/exec/runtime-runc/moby/$CID" ] || efail "no runtime state at $DK/exec/runtime-runc/moby/$CID"
  pid=$(dk_state '{{.State.Pid}}')
  check_match "the container's pid in its scope" "$(cat "$CGDIR/cgroup.procs")" "^$pid\$"
  i=0; while [ $i -lt 50 ] && [ -z "$(dk_log)" ]; do sleep 0.1; i=$((i+1)); done
  check "its cgroup seen from inside (docker's private cgroup namespace)" "$(dk_log)" "0::/"
  # exec: the process sees the scope as its root, and joins it (a second pid there, seen from outside).
  check "exec'd process's cgroup and memory.max" "$(dk exec "$NAME" cat /proc/self/cgroup /sys/fs/cgroup/memory.max 2> "$ERR" | tr '\n' ' ')" \
    "0::/ 67108864 "
  dk exec -d "$NAME" sleep 1000 2> "$ERR" || efail "docker exec -d: $(lasterr)"
  wait_procs 2
  check "processes in the scope after exec -d" "$(wc -l < "$CGDIR/cgroup.procs" | tr -d ' ')" 2
  # pause/unpause through the scope's cgroup.freeze.
  dk pause "$NAME" > /dev/null 2> "$ERR" || efail "docker pause: $(lasterr)"
  check_match "cgroup.events after pause" "$(host cgroup.events)" 'frozen 1'
  check "state after pause" "$(dk_state '{{.State.Status}}')" paused
  dk unpause "$NAME" > /dev/null 2> "$ERR" || efail "docker unpause: $(lasterr)"
  check_match "cgroup.events after unpause" "$(host cgroup.events)" 'frozen 0'
  # update: the unit's properties and the files.
  dk update --memory 128m --memory-swap 256m --pids-limit 50 "$NAME" > /dev/null 2> "$ERR" || efail "docker update: $(lasterr)"
  check "MemoryMax after update" "$(prop MemoryMax)" 134217728
  check "TasksMax after update" "$(prop TasksMax)" 50
  check "memory.max after update" "$(host memory.max)" 134217728
  check "pids.max after update" "$(host pids.max)" 50
  # stop: the container exits, the runtime deletes it, its scope and cgroup go.
  dk stop -t 1 "$NAME" > /dev/null 2> "$ERR" || efail "docker stop: $(lasterr)"
  check "state after stop" "$(dk_state '{{.State.Status}}')" exited
  check "units after stop" "$(wait_gone "$UNIT")" ""
  check "the scope's cgroup after stop" "$(ls -d "$CGDIR" 2> /dev/null)" ""
  check "runtime state after stop" "$(ls "$DK/exec/runtime-runc/moby" 2> /dev/null | grep -v '^\.')" ""
  dk rm "$NAME" > /dev/null 2> "$ERR" || efail "docker rm: $(lasterr)"
  timed dockerd-stop docker_stop
  check "docker scopes after the daemon stopped" "$(systemctl list-units --all --no-legend 'docker-*')" ""
  checks_done
}

# containerd 1.6 with the runc shim v2 told SystemdCgroup = true and BinaryName = the runtime. Those are the shim's
# runc options; the CRI plugin builds them from its config for kubelet's pods, ctr from --runc-systemd-cgroup and
# --runc-binary (ctr reads no runtime options from containerd's config). cgroupsPath is slice:prefix:name as kubelet
# gives it; the scope is then ocirun-test-<rt>-containerd.scope in system.slice, as for the cases above.
CT=$W/containerd
ctr_() { timed "ctr-$1" ctr --address "$CT/containerd.sock" --namespace ocirun-test "$@"; }
CTR_IMAGE=docker.io/library/ocirun-test-busybox:latest
# An OCI image layout archive of the rootfs tar (one uncompressed layer), the form `ctr image import` takes.
oci_archive() {
  L=$CT/layout; mkdir -p "$L/blobs/sha256" || return 1
  t=$(rootfs_tar) || return 1
  layer=$(sha256sum < "$t" | cut -d' ' -f1); cp "$t" "$L/blobs/sha256/$layer"
  config=$(oci_blob '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer"'"]}}')
  manifest=$(oci_blob '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json",'"$config"'},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:'"$layer"'","size":'"$(wc -c < "$t" | tr -d ' ')"'}]}')
  # io.containerd.image.name gives ctr the image's full name on import.
  printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",'"$manifest"',"annotations":{"io.containerd.image.name":"'"$CTR_IMAGE"'","org.opencontainers.image.ref.name":"latest"}}]}' > "$L/index.json"
  printf '%s' '{"imageLayoutVersion":"1.0.0"}' > "$L/oci-layout"
  tar -C "$L" -cf "$CT/busybox-oci.tar" . && rm -rf "$L"
}
# oci_blob JSON: stores JSON as a blob of the layout, prints its descriptor's "digest" and "size" members.
oci_blob() {
  printf '%s' "$1" > "$L/blob"; _d=$(sha256sum < "$L/blob" | cut -d' ' -f1); mv "$L/blob" "$L/blobs/sha256/$_d"
  echo "\"digest\":\"sha256:$_d\",\"size\":$(wc -c < "$L/blobs/sha256/$_d" | tr -d ' ')"
}
containerd_start() {
  command -v containerd > /dev/null || skip "containerd is not installed"
  ctrd_start "$CT"
  mkdir -p "$CT/fifo"
  oci_archive || fail "the OCI image archive"
  ctr_ image import "$CT/busybox-oci.tar" > /dev/null 2> "$ERR" || fail "ctr image import: $(lasterr)"
}
containerd_stop() {
  [ -d "$CT" ] || return 0
  if [ -S "$CT/containerd.sock" ]; then
    for t in $(ctr --address "$CT/containerd.sock" --namespace ocirun-test container ls -q 2> /dev/null); do
      ctr --address "$CT/containerd.sock" --namespace ocirun-test task rm -f "$t" > /dev/null 2>&1
      ctr --address "$CT/containerd.sock" --namespace ocirun-test container rm "$t" > /dev/null 2>&1
    done
  fi
  stop_daemons "$CT" "$CT/containerd.pid"
}
# task_col N: column N of this case's row in `ctr task ls` (2: pid, 3: status).
task_col() { ctr --address "$CT/containerd.sock" --namespace ocirun-test task ls | awk -v id="$NAME" -v n="$1" '$1 == id {print $n}'; }
case_containerd() {
  rm -f "$W/soft"
  containerd_start
  NAME=ocirun-test-ctr-$RT
  ctr_ run -d --fifo-dir "$CT/fifo" --runc-binary "$RTBIN" --runc-root "$CT/runc" --runc-systemd-cgroup --cgroup "$CGPATH" \
    --memory-limit 67108864 "$CTR_IMAGE" "$NAME" sh -c 'sleep 1000' > /dev/null 2> "$ERR" || efail "ctr run: $(lasterr)"
  check "the container's scope" "$(systemctl is-active "$UNIT")" active
  check "Slice" "$(prop Slice)" system.slice
  check "Delegate" "$(prop Delegate)" yes
  check "MemoryMax" "$(prop MemoryMax)" 67108864
  check "memory.max" "$(host memory.max)" 67108864
  [ -d "$CT/runc/ocirun-test/$NAME" ] || efail "no runtime state at $CT/runc/ocirun-test/$NAME"
  pid=$(task_col 2)
  check_match "the task's pid in its scope" "$(cat "$CGDIR/cgroup.procs")" "^$pid\$"
  # exec: containerd's default spec has no cgroup namespace, so the process names its scope in full.
  check "exec'd process's cgroup" "$(ctr_ task exec --fifo-dir "$CT/fifo" --exec-id probe "$NAME" cat /proc/self/cgroup 2> "$ERR")" \
    "0::/system.slice/$UNIT"
  ctr_ task exec -d --fifo-dir "$CT/fifo" --exec-id sleeper "$NAME" sleep 1000 > /dev/null 2> "$ERR" || efail "ctr task exec -d: $(lasterr)"
  wait_procs 2
  check "processes in the scope after exec -d" "$(wc -l < "$CGDIR/cgroup.procs" | tr -d ' ')" 2
  ctr_ task pause "$NAME" 2> "$ERR" || efail "ctr task pause: $(lasterr)"
  check_match "cgroup.events after pause" "$(host cgroup.events)" 'frozen 1'
  check "status after pause" "$(task_col 3)" PAUSED
  ctr_ task resume "$NAME" 2> "$ERR" || efail "ctr task resume: $(lasterr)"
  check_match "cgroup.events after resume" "$(host cgroup.events)" 'frozen 0'
  check "status after resume" "$(task_col 3)" RUNNING
  # ctr 1.6 has no `task update` (containerd's Update API has no ctr command before 1.7): not exercised here.
  echo "# $RT/containerd: update not exercised (ctr $(ctr --version | awk '{print $3}') has no task update)" >&2
  ctr_ task kill -s KILL "$NAME" 2> "$ERR" || efail "ctr task kill: $(lasterr)"
  i=0; while [ $i -lt 50 ] && [ "$(task_col 3)" != STOPPED ]; do sleep 0.1; i=$((i+1)); done
  check "status after kill" "$(task_col 3)" STOPPED
  ctr_ task rm "$NAME" > /dev/null 2> "$ERR" || efail "ctr task rm: $(lasterr)"
  ctr_ container rm "$NAME" 2> "$ERR" || efail "ctr container rm: $(lasterr)"
  check "units after delete" "$(wait_gone "$UNIT")" ""
  check "the scope's cgroup after delete" "$(ls -d "$CGDIR" 2> /dev/null)" ""
  check "runtime state after delete" "$(ls "$CT/runc/ocirun-test" 2> /dev/null | grep -v '^\.')" ""
  timed containerd-stop containerd_stop
  checks_done
}

case_refused() {
  refused_by_systemd
}

case_unified_properties() {
  # unified keys systemd has a property for are set on the unit too (as runc's unifiedResToSystemdProps), so a
  # systemd reload puts back the container's values; the files are written as well.
  bundle '{"unified":{"memory.max":"67108864","pids.max":"42"}}' 'sleep 1000'
  run_bg
  expect "MemoryMax" "$(prop MemoryMax)" 67108864
  expect "TasksMax" "$(prop TasksMax)" 42
  expect "memory.max" "$(host memory.max)" 67108864
  expect "pids.max" "$(host pids.max)" 42
}

CASES="systemd_running scope limits inside files_beyond_systemd exec_joins update pause delete connections devices podman docker containerd refused unified_properties"
[ -n "${GUEST_CASES:-}" ] && CASES=$GUEST_CASES
run_all
