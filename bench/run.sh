#!/usr/bin/env bash
# bench/run.sh: ocirun, crun and runc side by side, on the same bundles, in one run.
#
#   bench/run.sh [--quick] [--runtimes "ocirun runc crun"] [--note TEXT] [--out DIR]
#
# Scenarios (bench/README.md explains each and how to read the table):
#   run          `run` of /bin/true, a fresh container id per iteration        (hyperfine)
#   run-mounts   the same in a mount namespace holding 1,000 extra tmpfs mounts (hyperfine)
#   run-seccomp  the same with Docker's default seccomp profile                (hyperfine)
#   exec         `exec` of /bin/true into a running container                  (hyperfine)
#   lifecycle    create, start, delete --force of a `sleep` container          (hyperfine)
#   engine       create, start, kill, reap (subreaper), delete: the shim's way  (Harness)
#   concurrent   N `run /bin/true` launched at once, containers/s              (Harness)
#   list, state  `list` and `state` with N containers created in --root        (hyperfine)
#   rss-*        peak RSS of `create` and RSS of the waiting container init    (/usr/bin/time, /proc)
#   pss-created  PSS of a created container's process, summed over 50, each    (/proc/PID/smaps_rollup)
#   pss-init     PSS of pid 1 of a started container, ocirun with --init (its reaper), over 50, each;
#                runc and crun have no --init: their pid 1 is the container's sleep   (/proc/PID/smaps_rollup)
#
# OCIRUN_BENCH_ONLY="pss pss-init" runs only the named scenario groups (see selected()); the rest is n/a.
#
# Results: a table on stdout, OUT/<date>-<host>.md and .json, OUT/start-latency.svg
# (OUT defaults to bench/results). Needs root, hyperfine, jq, /usr/bin/time, busybox-static, dotnet.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
SECCOMP_PROFILE=$REPO/testdata/seccomp/docker-default.oci-amd64.json
HARNESS_DLL=$BENCH/Harness/bin/Release/net10.0/Harness.dll
# Every cgroup the runtimes make lives under this parent, so leftovers are easy to find.
CGROUP_PARENT=ocirun-bench

QUICK=0
RUNTIMES="ocirun runc crun"
NOTE=""
OUT=$BENCH/results

usage() {
  # The header comment is the help text.
  local text
  text=$(sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//')
  if [ "${1:-0}" = 0 ]; then echo "$text"; else echo "$text" >&2; fi
  exit "${1:-0}"
}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --quick) QUICK=1 ;;
      --runtimes) RUNTIMES=${2:?--runtimes wants a list}; shift ;;
      --note) NOTE=${2:?--note wants a text}; shift ;;
      --out) OUT=${2:?--out wants a directory}; shift ;;
      -h|--help) usage 0 ;;
      *) log "unknown argument: $1"; usage 2 ;;
    esac
    shift
  done
}

# Sizes of each scenario. --quick must stay under a minute for CI; the full run is for a quiet
# machine. Any of them can be overridden from the environment (OCIRUN_BENCH_RUNS=50 ...).
set_parameters() {
  if [ "$QUICK" = 1 ]; then
    ROUNDS=2 RUNS=3 WARMUP=1 CONCURRENT=10 CONCURRENT_ROUNDS=1 LISTED=50 LIST_RUNS=5 RSS_SAMPLES=3
    PSS_CONTAINERS=10
  else
    ROUNDS=3 RUNS=20 WARMUP=3 CONCURRENT=100 CONCURRENT_ROUNDS=3 LISTED=1000 LIST_RUNS=20 RSS_SAMPLES=10
    PSS_CONTAINERS=50
  fi
  # The same in both modes: what is measured is how a runtime copes with this many mounts.
  MOUNTS=1000
  ROUNDS=${OCIRUN_BENCH_ROUNDS:-$ROUNDS}
  RUNS=${OCIRUN_BENCH_RUNS:-$RUNS}
  WARMUP=${OCIRUN_BENCH_WARMUP:-$WARMUP}
  CONCURRENT=${OCIRUN_BENCH_CONCURRENT:-$CONCURRENT}
  CONCURRENT_ROUNDS=${OCIRUN_BENCH_CONCURRENT_ROUNDS:-$CONCURRENT_ROUNDS}
  LISTED=${OCIRUN_BENCH_LISTED:-$LISTED}
  LIST_RUNS=${OCIRUN_BENCH_LIST_RUNS:-$LIST_RUNS}
  RSS_SAMPLES=${OCIRUN_BENCH_RSS_SAMPLES:-$RSS_SAMPLES}
  PSS_CONTAINERS=${OCIRUN_BENCH_PSS_CONTAINERS:-$PSS_CONTAINERS}
  MOUNTS=${OCIRUN_BENCH_MOUNTS:-$MOUNTS}
}

# ---------------------------------------------------------------------------------------------
# Before the namespace: checks and the helper build (dotnet is happier outside the namespace).

preflight() {
  [ "$(id -u)" = 0 ] || die "containers need root"
  if [ ! -x /usr/bin/time ]; then
    # GNU time gives ru_maxrss of the runtime process (%M); bash's `time` keyword cannot.
    log "installing package time"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
  local c
  for c in hyperfine jq dotnet unshare nsenter setpriv mountpoint; do
    command -v "$c" >/dev/null || die "$c not found"
  done
  [ -x /bin/busybox ] || die "/bin/busybox not found (package busybox-static)"
  [ -f "$SECCOMP_PROFILE" ] || die "seccomp profile not found at $SECCOMP_PROFILE"
}

build_harness() {
  # Rebuild only when a source is newer than the dll: a no-op build still costs seconds.
  if [ -f "$HARNESS_DLL" ] && [ -z "$(find "$BENCH/Harness" -path '*/bin' -prune -o -path '*/obj' -prune \
        -o -type f -newer "$HARNESS_DLL" -print -quit)" ]; then
    return 0
  fi
  log "building bench/Harness"
  dotnet build "$BENCH/Harness/Harness.csproj" -c Release -nologo -v quiet >&2 || die "Harness build failed"
}

harness() { dotnet "$HARNESS_DLL" "$@"; }

# crun 1.8 fails on this hybrid host (v1 controllers plus cgroup2 at /sys/fs/cgroup/unified) unless
# the cgroup2 mount is gone. Unmounting it on the host would break everyone else, so the whole
# measurement runs in a private mount namespace without it. All runtimes share that namespace so
# the comparison is fair; runc and ocirun work there too (they use the v1 controllers).
enter_namespace() {
  export OCIRUN_BENCH_IN_NAMESPACE=1
  exec unshare --mount --propagation private -- bash "${BASH_SOURCE[0]}" "$@"
}

setup_namespace() {
  if mountpoint -q /sys/fs/cgroup/unified; then
    umount /sys/fs/cgroup/unified
  fi
}

# ---------------------------------------------------------------------------------------------
# Work dir, cleanup.

make_workdir() {
  WORK=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
  # A tmpfs: state roots (--root) and bundles never touch the disk, and it vanishes with the
  # namespace even if cleanup never runs.
  mount -t tmpfs -o mode=0700 ocirun-bench "$WORK"
  # Container ids and cgroups carry this run's tag, so cleanup only touches what this run made.
  TAG=ob-$(basename "$WORK" | cut -d. -f2 | tr 'A-Z' 'a-z')
  mkdir -p "$WORK"/{roots,bundles,raw/status,raw/hf,raw/concurrent,raw/engine,raw/rss,raw/pss,raw/pss-init,raw/pss-init-child,logs}
  RAW=$WORK/raw
  LOGS=$WORK/logs
}

cleanup() {
  local rc=$?
  # A second Ctrl-C must not abandon a half-done cleanup: ignore further signals until it is done.
  trap - EXIT
  trap '' INT TERM
  set +e
  [ -n "${WORK:-}" ] || exit "$rc"
  log "cleaning up"
  delete_leftover_containers
  remove_leftover_cgroups
  remove_cgroup_parent
  # The holder is the last process in run-mounts' namespace: its mounts go with it.
  if [ -n "${MOUNTS_NS_PID:-}" ]; then
    kill "$MOUNTS_NS_PID" 2>/dev/null
    wait "$MOUNTS_NS_PID" 2>/dev/null
  fi
  umount "$WORK" 2>/dev/null
  rmdir "$WORK" 2>/dev/null
  log "clean"
  exit "$rc"
}

delete_leftover_containers() {
  local rt root ids
  for rt in "${AVAILABLE[@]}"; do
    root=$WORK/roots/$rt
    [ -d "$root" ] || continue
    # Every runtime here keeps one directory per container under --root, and ocirun its seccomp cache
    # (.seccomp-cache), which is not a container.
    mapfile -t ids < <(find "$root" -mindepth 1 -maxdepth 1 -type d ! -name .seccomp-cache -printf '%f\n')
    [ ${#ids[@]} -gt 0 ] || continue
    log "cleanup: $rt: deleting ${#ids[@]} leftover container(s)"
    delete_all "$rt" "${ids[@]}"
  done
}

remove_leftover_cgroups() {
  # Whatever a runtime failed to remove (crun leaves the cgroups of containers deleted while
  # still in the created state). Only this run's cgroups: their names start with the run's tag.
  local pattern=${1:-$TAG-*} attempt dirs d
  # With /sys/fs/cgroup/unified unmounted, crun still mkdirs its cgroup2 path there and writes
  # cgroup.procs as a plain file on the /sys/fs/cgroup tmpfs: no processes, only files.
  for d in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
    if [ -d "$d" ] && [ "$(stat -f -c %T "$d")" = tmpfs ]; then
      find "$d" -mindepth 1 -maxdepth 1 -name "$pattern" -exec rm -rf {} +
    fi
  done
  for attempt in 1 2 3 4 5; do
    dirs=$(find /sys/fs/cgroup/*/"$CGROUP_PARENT" -mindepth 1 -maxdepth 1 -type d -name "$pattern" 2>/dev/null)
    [ -n "$dirs" ] || break
    # Empty ones go at once (one rmdir for all); the rest still hold processes: kill them first.
    xargs -r rmdir <<<"$dirs" 2>/dev/null
    for d in $dirs; do
      [ -f "$d/cgroup.procs" ] && xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null
    done
    sleep 0.2
  done
  [ -z "$dirs" ] || log "warning: could not remove: $dirs"
  return 0
}

remove_cgroup_parent() {
  # The parent is shared with other runs: remove it only when it is empty.
  local d
  for d in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  return 0
}

# ---------------------------------------------------------------------------------------------
# Runtimes and machine.

declare -A BIN=()
AVAILABLE=()

runtime_binary() {
  # ocirun comes from ./build.sh's output; others from PATH. <NAME>_BIN overrides (RUNC_BIN=...).
  local name=$1 var
  var=$(printf '%s_BIN' "$name" | tr 'a-z-' 'A-Z_')
  if [ -n "${!var:-}" ]; then echo "${!var}"
  elif [ "$name" = ocirun ]; then echo "$REPO/out/ocirun"
  else command -v "$name" || true
  fi
}

resolve_runtimes() {
  local rt path
  for rt in $RUNTIMES; do
    path=$(runtime_binary "$rt")
    if [ -n "$path" ] && [ -x "$path" ]; then
      BIN[$rt]=$path
      AVAILABLE+=("$rt")
    else
      log "$rt: binary not found, reported as n/a"
    fi
  done
  [ ${#AVAILABLE[@]} -gt 0 ] || die "none of the runtimes ($RUNTIMES) was found"
  for rt in "${AVAILABLE[@]}"; do mkdir -p "$WORK/roots/$rt"; done
}

runtime_version() { "$1" --version 2>/dev/null | head -n1 || echo unknown; }

describe_machine() {
  local runtimes='{}' rt path
  for rt in $RUNTIMES; do
    if [ -n "${BIN[$rt]:-}" ]; then
      path=$(readlink -f "${BIN[$rt]}")
      runtimes=$(jq --arg rt "$rt" --arg path "$path" --arg v "$(runtime_version "$path")" \
        --argjson size "$(stat -c %s "$path")" \
        '.[$rt] = {available: true, path: $path, version: $v, sizeBytes: $size}' <<<"$runtimes")
    else
      runtimes=$(jq --arg rt "$rt" '.[$rt] = {available: false}' <<<"$runtimes")
    fi
  done
  jq -n \
    --arg host "$(hostname -s)" \
    --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --argjson nproc "$(nproc)" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    --arg kernel "$(uname -r)" \
    --arg loadavg "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --arg hyperfine "$(hyperfine --version)" \
    --arg mode "$([ "$QUICK" = 1 ] && echo quick || echo full)" \
    --arg note "$NOTE" \
    --arg ns "all runtimes in one private mount namespace (unshare -m), /sys/fs/cgroup/unified unmounted, --root on tmpfs" \
    --arg mountTable "$(mount_table_summary)" \
    --argjson runtimes "$runtimes" \
    --argjson params "$(jq -n --argjson rounds "$ROUNDS" --argjson runs "$RUNS" --argjson warmup "$WARMUP" \
        --argjson concurrent "$CONCURRENT" --argjson concurrentRounds "$CONCURRENT_ROUNDS" \
        --argjson listed "$LISTED" --argjson listRuns "$LIST_RUNS" --argjson rssSamples "$RSS_SAMPLES" \
        --argjson mounts "$MOUNTS" --argjson pssContainers "$PSS_CONTAINERS" \
        '$ARGS.named')" \
    '{host: $host, date: $date, nproc: $nproc, cpu: $cpu, kernel: $kernel, loadavg: $loadavg,
      hyperfine: $hyperfine, mode: $mode, note: $note, namespace: $ns, mountTable: $mountTable, params: $params,
      runtimes: $runtimes}' \
    >"$RAW/machine.json"
}

# ---------------------------------------------------------------------------------------------
# Bundle: one busybox rootfs shared by every container; per-container bundles hold only a
# config.json whose root.path points at it and whose @ID@ becomes the container's own cgroup.

make_rootfs() {
  local rootfs=$1 applet
  mkdir -p "$rootfs"/{bin,etc,proc,sys,dev,tmp,root}
  cp /bin/busybox "$rootfs/bin/busybox"
  # `busybox --list` includes busybox itself: linking it would replace the binary with a self-link.
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  [ -L "$rootfs/bin/true" ] || die "busybox has no 'true' applet"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
  echo 'root:x:0:' >"$rootfs/etc/group"
}

make_templates() {
  local spec=$WORK/spec rootfs=$WORK/rootfs
  make_rootfs "$rootfs"
  # The same runc-generated spec for everyone: a neutral, widely used default.
  mkdir -p "$spec"
  local runc_bin=${BIN[runc]:-$(command -v runc || true)}
  if [ -n "$runc_bin" ]; then
    (cd "$spec" && "$runc_bin" spec)
  else
    die "runc is needed for 'runc spec' (the shared config.json)"
  fi
  local base='.process.terminal = false | .root.path = $rootfs | .root.readonly = true
              | .linux.cgroupsPath = ("/" + $parent + "/@ID@")'
  jq --arg rootfs "$rootfs" --arg parent "$CGROUP_PARENT" "$base | .process.args = [\"/bin/true\"]" \
    "$spec/config.json" >"$WORK/true.json"
  jq --arg rootfs "$rootfs" --arg parent "$CGROUP_PARENT" "$base | .process.args = [\"/bin/sleep\", \"60\"]" \
    "$spec/config.json" >"$WORK/sleep.json"
  jq --slurpfile profile "$SECCOMP_PROFILE" '.linux.seccomp = $profile[0]' \
    "$WORK/true.json" >"$WORK/seccomp.json"
}

# ---------------------------------------------------------------------------------------------
# run-mounts' namespace: a Kubernetes node carries hundreds to thousands of mounts, and whatever a runtime
# does per mount (a recursive propagation change, a mountinfo read, the copy of the table into the
# container's namespace, the detach of the old root) shows up here. The bench's own namespace is copied
# once more with `unshare --mount` and filled with MOUNTS empty tmpfs mounts by one Harness process; a
# `sleep` then holds the namespace, and run-mounts' hyperfine joins it with nsenter. The mounts exist in
# that namespace only and vanish with the holder, which dies with this script (its parent-death signal)
# if cleanup never runs. (Pinning the namespace by a bind mount of its nsfs file instead, as
# `unshare --mount=FILE` does, fails about one time in three on this 6.18 kernel with EINVAL.)

MOUNTS_NS_PID=""

make_mounts_namespace() {
  local ready=$WORK/mounts.ready rt pid start=$EPOCHREALTIME
  setpriv --pdeathsig KILL -- unshare --mount --propagation private -- sh -c \
    'dotnet "$1" mounts --dir "$2" --count "$3" && echo ready >"$4" && exec sleep infinity' \
    mounts "$HARNESS_DLL" "$WORK/many" "$MOUNTS" "$ready" </dev/null >>"$LOGS/mounts.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ ! -s "$ready" ]; do sleep 0.05; done
  if [ ! -s "$ready" ]; then
    wait "$pid" 2>/dev/null || true
    for rt in "${AVAILABLE[@]}"; do
      status run-mounts "$rt" "failed: could not make $MOUNTS tmpfs mounts: $(tail -n1 "$LOGS/mounts.log")"
    done
    log "run-mounts: could not make the namespace: $(tail -n1 "$LOGS/mounts.log")"
    return 0
  fi
  MOUNTS_NS_PID=$pid
  log "run-mounts: namespace with $(mount_count_in "$pid") mounts (this one: $(mount_count_in)), made in $(
    awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
}

# Lines of /proc/self/mountinfo here, or in the mount namespace of process $1.
mount_count_in() {
  if [ -n "${1:-}" ]; then wc -l <"/proc/$1/mountinfo"
  else wc -l </proc/self/mountinfo
  fi
}

mount_table_summary() {
  local s="$(mount_count_in) mounts in the bench namespace"
  if [ -n "$MOUNTS_NS_PID" ]; then s+="; $(mount_count_in "$MOUNTS_NS_PID") in run-mounts' (private, $MOUNTS extra empty tmpfs)"
  else s+="; run-mounts' namespace could not be made"
  fi
  echo "$s"
}

# run-mounts runs in that namespace; every other scenario in the bench's own.
in_scenario_ns() {
  local scenario=$1; shift
  if [ "$scenario" = run-mounts ]; then nsenter --target "$MOUNTS_NS_PID" --mount -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------------------------------------
# Measurement helpers.

status() { echo "$3" >"$RAW/status/$1.$2"; }
failed() { [ -f "$RAW/status/$1.$2" ]; }

# Runtimes in a different order each round (rotate by round), so slow drift of a busy machine
# does not always favour the runtime measured first.
rotated() {
  local round=$1 n=${#AVAILABLE[@]} i
  for ((i = 0; i < n; i++)); do echo "${AVAILABLE[$(((i + round) % n))]}"; done
}

q() { printf '%q' "$1"; }

# Scenarios that need a fresh id per iteration: hyperfine's --prepare (untimed) writes the
# bundle's config.json with a new id and leaves the id in a file; the timed command reads it
# with the shell builtin `read`, so no extra process is timed. hyperfine subtracts the cost of
# its `sh -c` wrapper, the same for every runtime.
prepare_cmd() {
  local template=$1 bundle=$2 prefix=$3
  echo "id=$prefix-\$\$; sed \"s/@ID@/\$id/g\" $(q "$template") > $(q "$bundle")/config.json && echo \$id > $(q "$bundle")/id"
}

# One hyperfine invocation: SCENARIO RUNTIME ROUND COMMAND PREPARE(empty: none, no shell) RUNS
hyperfine_round() {
  local scenario=$1 rt=$2 round=$3 cmd=$4 prepare=$5 runs=$6
  local dir=$RAW/hf/$scenario/$rt
  mkdir -p "$dir"
  local args=(--style none --warmup "$WARMUP" --runs "$runs" --export-json "$dir/$round.json" --command-name "$rt")
  if [ -n "$prepare" ]; then args+=(--prepare "$prepare"); else args+=(-N); fi
  if ! in_scenario_ns "$scenario" hyperfine "${args[@]}" "$cmd" >>"$LOGS/hyperfine.log" 2>&1; then
    rm -f "$dir/$round.json"
    record_failure "$scenario" "$rt" "$cmd" "$prepare"
  fi
}

# hyperfine hides the runtime's stderr: run the command once more to say why it failed.
record_failure() {
  local scenario=$1 rt=$2 cmd=$3 prepare=$4 why
  [ -z "$prepare" ] || sh -c "$prepare" >/dev/null 2>&1 || true
  # stderr to a file, not a pipe: a created container inherits it and would hold a pipe open.
  in_scenario_ns "$scenario" sh -c "$cmd" </dev/null >/dev/null 2>"$WORK/why" || true
  why=$(tail -n 3 "$WORK/why" | tr '\n' ' ')
  status "$scenario" "$rt" "failed: ${why:-exit status non-zero under hyperfine, see logs}"
  log "$scenario: $rt FAILED: ${why:-see hyperfine log}"
}

# ---------------------------------------------------------------------------------------------
# Scenarios.

# (a), (a'), (f) and (b): hyperfine, rounds alternating the runtimes. run-mounts goes with run, round by
# round and runtime by runtime (which of the two first alternates), so the two are measured under the
# same load and their quotient means something on a busy machine.
bench_sequential() {
  local scenario=$1 template=$2 round rt s pair order
  pair=$scenario
  if [ "$scenario" = run ] && [ -n "$MOUNTS_NS_PID" ]; then pair="run run-mounts"; fi
  log "${pair// / and }: $ROUNDS round(s) x $RUNS runs (+$WARMUP warm-up) per runtime"
  for ((round = 1; round <= ROUNDS; round++)); do
    for rt in $(rotated "$round"); do
      order=$pair
      # Even rounds take the pair the other way round.
      ((round % 2)) || order=$(tr ' ' '\n' <<<"$pair" | tac | tr '\n' ' ')
      for s in $order; do
        sequential_round "$s" "$rt" "$round" "$template"
      done
    done
  done
}

sequential_round() {
  local scenario=$1 rt=$2 round=$3 template=$4 bundle root cmd prepare bin
  failed "$scenario" "$rt" && return 0
  bundle=$WORK/bundles/$rt-$scenario root=$WORK/roots/$rt bin=$(q "${BIN[$rt]}")
  mkdir -p "$bundle"
  prepare=$(prepare_cmd "$template" "$bundle" "$TAG-$rt-$scenario")
  case $scenario in
    lifecycle)
      cmd="read id < $(q "$bundle")/id && $bin --root $(q "$root") create --bundle $(q "$bundle") \"\$id\""
      cmd+=" && $bin --root $(q "$root") start \"\$id\" && $bin --root $(q "$root") delete --force \"\$id\"" ;;
    *)
      cmd="read id < $(q "$bundle")/id && $bin --root $(q "$root") run --bundle $(q "$bundle") \"\$id\"" ;;
  esac
  hyperfine_round "$scenario" "$rt" "$round" "$cmd" "$prepare" "$RUNS"
}

# (g): `exec` of /bin/true into a running `sleep` container, the path of every Kubernetes exec probe. The
# target is made (create, start) and removed untimed, a fresh one per round and runtime; the timed command
# line is fixed, so hyperfine runs it without a shell (-N).
bench_exec() {
  local round rt root bin bundle id
  log "exec: $ROUNDS round(s) x $RUNS runs (+$WARMUP warm-up) per runtime"
  for ((round = 1; round <= ROUNDS; round++)); do
    for rt in $(rotated "$round"); do
      failed exec "$rt" && continue
      root=$WORK/roots/$rt bin=${BIN[$rt]} bundle=$WORK/bundles/$rt-exec id=$TAG-$rt-exec-$round
      mkdir -p "$bundle"
      sed "s/@ID@/$id/g" "$WORK/sleep.json" >"$bundle/config.json"
      # The target inherits create's stdio: never a pipe we read.
      if "$bin" --root "$root" create --bundle "$bundle" "$id" </dev/null >/dev/null 2>>"$LOGS/exec.log" &&
         "$bin" --root "$root" start "$id" </dev/null >/dev/null 2>>"$LOGS/exec.log"; then
        hyperfine_round exec "$rt" "$round" "$(q "$bin") --root $(q "$root") exec $id /bin/true" "" "$RUNS"
      else
        status exec "$rt" "failed: the running target: $(tail -n1 "$LOGS/exec.log")"
        log "exec: $rt FAILED making the target container"
      fi
      "$bin" --root "$root" delete --force "$id" </dev/null >/dev/null 2>>"$LOGS/exec.log" || true
    done
  done
}

# (c): the Harness launches N `run`s at once; rounds alternate the runtimes.
bench_concurrent() {
  local round rt out why
  log "concurrent: $CONCURRENT_ROUNDS round(s) of $CONCURRENT containers per runtime"
  for ((round = 1; round <= CONCURRENT_ROUNDS; round++)); do
    for rt in $(rotated "$round"); do
      failed concurrent "$rt" && continue
      mkdir -p "$RAW/concurrent/$rt" "$WORK/bundles/$rt-concurrent"
      out=$RAW/concurrent/$rt/$round.json
      harness concurrent --runtime "${BIN[$rt]}" --root "$WORK/roots/$rt" --template "$WORK/true.json" \
        --dir "$WORK/bundles/$rt-concurrent" --prefix "$TAG-$rt-conc$round" --count "$CONCURRENT" \
        --rounds 1 --out "$out" </dev/null >>"$LOGS/concurrent.log" 2>&1 ||
        { status concurrent "$rt" "failed: harness error, see logs"; continue; }
      why=$(jq -r '.rounds[] | select(.failed > 0) | "\(.failed) of \(.ok + .failed) failed: \(.firstError)"' "$out")
      if [ -n "$why" ]; then
        status concurrent "$rt" "failed: $why"
        log "concurrent: $rt FAILED: $why"
      fi
    done
  done
}

# (b'): the engine path in the Harness (it must be the subreaper that reaps the container's init,
# which a shell under hyperfine cannot be): create, start, kill KILL, waitpid, delete.
bench_engine() {
  local round rt out why
  log "engine: $ROUNDS round(s) x $RUNS runs (+$WARMUP warm-up) per runtime"
  for ((round = 1; round <= ROUNDS; round++)); do
    for rt in $(rotated "$round"); do
      failed engine "$rt" && continue
      mkdir -p "$RAW/engine/$rt" "$WORK/bundles/$rt-engine"
      out=$RAW/engine/$rt/$round.json
      harness engine --runtime "${BIN[$rt]}" --root "$WORK/roots/$rt" --template "$WORK/sleep.json" \
        --dir "$WORK/bundles/$rt-engine" --prefix "$TAG-$rt-engine$round" --runs "$RUNS" --warmup "$WARMUP" \
        --out "$out" </dev/null >>"$LOGS/engine.log" 2>&1 ||
        { status engine "$rt" "failed: harness error: $(tail -n1 "$LOGS/engine.log")"; continue; }
      why=$(jq -r '.error // empty' "$out")
      if [ -n "$why" ]; then
        status engine "$rt" "failed: $why: $(tail -n1 "$LOGS/engine.log")"
        log "engine: $rt FAILED: $why"
      fi
    done
  done
}

# (d): `list` and `state` with LISTED created containers. One runtime at a time (a thousand
# waiting inits per runtime is enough memory); the containers are real, made by `create`.
bench_list_state() {
  local rt root bin ids id n=0 middle
  log "list/state: $LISTED created containers per runtime"
  for rt in "${AVAILABLE[@]}"; do
    root=$WORK/roots/$rt bin=${BIN[$rt]}
    mkdir -p "$WORK/bundles/$rt-listed"
    mapfile -t ids < <(harness bundles --template "$WORK/sleep.json" --dir "$WORK/bundles/$rt-listed" \
      --prefix "$TAG-$rt-listed" --count "$LISTED")
    for id in "${ids[@]}"; do
      # The container inherits create's stdio: never a pipe we read, or we would wait for it.
      if ! "$bin" --root "$root" create --bundle "$WORK/bundles/$rt-listed/$id" "$id" \
           </dev/null >/dev/null 2>>"$LOGS/list.log"; then
        status list "$rt" "failed: create #$((n + 1)): $(tail -n1 "$LOGS/list.log")"
        status state "$rt" "failed: create #$((n + 1)) failed"
        log "list/state: $rt FAILED at create #$((n + 1))"
        break
      fi
      n=$((n + 1))
    done
    if [ "$n" = "$LISTED" ]; then
      middle=${ids[$((LISTED / 2))]}
      hyperfine_round list "$rt" 1 "${BIN[$rt]} --root $root list" "" "$LIST_RUNS"
      hyperfine_round state "$rt" 1 "${BIN[$rt]} --root $root state $middle" "" "$LIST_RUNS"
    fi
    delete_all "$rt" "${ids[@]:0:$n}"
    rm -rf "$WORK/bundles/$rt-listed"
    n=0
  done
}

delete_all() {
  local rt=$1; shift
  [ $# -gt 0 ] || return 0
  printf '%s\n' "$@" | xargs -r -P "$(nproc)" -n 16 sh -c \
    'bin=$1 root=$2; shift 2; for id; do timeout 10 "$bin" --root "$root" delete --force "$id" >/dev/null 2>&1 </dev/null; done' \
    delete "${BIN[$rt]}" "$WORK/roots/$rt" 2>/dev/null || true
  # Before the next runtime fills its root: no thousand stale cgroups to skew its numbers.
  remove_leftover_cgroups "$TAG-$rt-*"
}

# (e): ru_maxrss of the `create` process (GNU time's %M) and the RSS of the container's init
# while it waits in the created state (runc init / crun / ocirun:setup): what each created but
# not started container costs.
bench_rss() {
  local sample rt root bundle id pid maxrss initrss
  log "rss: $RSS_SAMPLES sample(s) per runtime"
  for ((sample = 1; sample <= RSS_SAMPLES; sample++)); do
    for rt in $(rotated "$sample"); do
      failed rss-create "$rt" && continue
      root=$WORK/roots/$rt bundle=$WORK/bundles/$rt-rss id=$TAG-$rt-rss-$sample
      mkdir -p "$bundle"
      sed "s/@ID@/$id/g" "$WORK/sleep.json" >"$bundle/config.json"
      if ! /usr/bin/time -f %M -o "$WORK/maxrss" "${BIN[$rt]}" --root "$root" create --bundle "$bundle" "$id" \
           </dev/null >/dev/null 2>>"$LOGS/rss.log"; then
        status rss-create "$rt" "failed: create: $(tail -n1 "$LOGS/rss.log")"
        status rss-init "$rt" "failed: create failed"
        log "rss: $rt FAILED"
        "${BIN[$rt]}" --root "$root" delete --force "$id" </dev/null >/dev/null 2>&1 || true
        continue
      fi
      maxrss=$(tail -n1 "$WORK/maxrss")
      pid=$("${BIN[$rt]}" --root "$root" state "$id" 2>/dev/null </dev/null | jq -r '.pid // 0' || echo 0)
      initrss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      echo "$maxrss ${initrss:-0}" >>"$RAW/rss/$rt.tsv"
      "${BIN[$rt]}" --root "$root" delete --force "$id" </dev/null >/dev/null 2>>"$LOGS/rss.log" || true
    done
  done
}

# (h): memory held by created, not yet started containers: the PSS (/proc/PID/smaps_rollup) of each one's
# process (`state`'s pid: runc init, crun's child, ocirun's waiting init), summed over PSS_CONTAINERS of them
# and divided by their number. Pages the processes share (the runtime's text, libc) are split between
# them, as the host's memory holds them once; pages each one dirtied (a heap, a copied-on-write data
# segment) count in full. One runtime at a time, so no runtime shares a page with another's containers.
bench_pss() {
  local rt root bin ids id n pid pss sum
  log "pss: $PSS_CONTAINERS created containers per runtime"
  for rt in "${AVAILABLE[@]}"; do
    root=$WORK/roots/$rt bin=${BIN[$rt]} n=0 sum=0
    mkdir -p "$WORK/bundles/$rt-pss"
    mapfile -t ids < <(harness bundles --template "$WORK/sleep.json" --dir "$WORK/bundles/$rt-pss" \
      --prefix "$TAG-$rt-pss" --count "$PSS_CONTAINERS")
    for id in "${ids[@]}"; do
      if ! "$bin" --root "$root" create --bundle "$WORK/bundles/$rt-pss/$id" "$id" \
           </dev/null >/dev/null 2>>"$LOGS/pss.log"; then
        status pss-created "$rt" "failed: create #$((n + 1)): $(tail -n1 "$LOGS/pss.log")"
        log "pss: $rt FAILED at create #$((n + 1))"
        break
      fi
      n=$((n + 1))
    done
    if [ "$n" = "$PSS_CONTAINERS" ]; then
      for id in "${ids[@]}"; do
        pid=$("$bin" --root "$root" state "$id" </dev/null 2>/dev/null | jq -r '.pid // 0' || echo 0)
        pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
        if [ "${pid:-0}" = 0 ] || [ -z "$pss" ]; then
          status pss-created "$rt" "failed: no PSS for $id (pid ${pid:-none})"
          log "pss: $rt FAILED: no PSS for $id"
          sum=""
          break
        fi
        sum=$((sum + pss))
      done
      [ -z "$sum" ] || echo "$n $sum" >>"$RAW/pss/$rt.tsv"
    fi
    delete_all "$rt" "${ids[@]:0:$n}"
    rm -rf "$WORK/bundles/$rt-pss"
  done
}

# (i): memory that pid 1 holds for a started container's lifetime. ocirun runs with --init: pid 1 is then
# its reaper (a clone of the CLI that forked the user's process and stays to forward signals and reap), and
# its one child is the `sleep`. runc and crun have no --init (docker's --init puts tini in the image), so
# they run the same containers without it and their pid 1 is the `sleep` itself. PSS as in (h): summed over
# PSS_CONTAINERS started containers and divided by their number; the reaper's child is summed apart.
bench_pss_init() {
  local rt root bin ids id n pid child pss cpss sum csum flags try
  log "pss-init: $PSS_CONTAINERS started containers per runtime (ocirun with --init)"
  for rt in "${AVAILABLE[@]}"; do
    root=$WORK/roots/$rt bin=${BIN[$rt]} n=0 sum=0 csum=0 flags=()
    [ "$rt" = ocirun ] && flags=(--init)
    [ "$rt" = ocirun ] || status pss-init-child "$rt" "n/a: no --init, pid 1 is the container's sleep"
    mkdir -p "$WORK/bundles/$rt-pssi"
    mapfile -t ids < <(harness bundles --template "$WORK/sleep.json" --dir "$WORK/bundles/$rt-pssi" \
      --prefix "$TAG-$rt-pssi" --count "$PSS_CONTAINERS")
    for id in "${ids[@]}"; do
      if ! { "$bin" --root "$root" create "${flags[@]}" --bundle "$WORK/bundles/$rt-pssi/$id" "$id" &&
             "$bin" --root "$root" start "$id"; } </dev/null >/dev/null 2>>"$LOGS/pss-init.log"; then
        n=$((n + 1))
        status pss-init "$rt" "failed: create/start #$n: $(tail -n1 "$LOGS/pss-init.log")"
        [ "$rt" = ocirun ] && status pss-init-child "$rt" "failed: create/start failed"
        log "pss-init: $rt FAILED at container #$n"
        break
      fi
      n=$((n + 1))
    done
    failed pss-init "$rt" || for id in "${ids[@]}"; do
      pid=$("$bin" --root "$root" state "$id" </dev/null 2>/dev/null | jq -r '.pid // 0' || echo 0)
      pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)
      if [ "${pid:-0}" = 0 ] || [ -z "$pss" ]; then
        status pss-init "$rt" "failed: no PSS for $id (pid ${pid:-none})"
        log "pss-init: $rt FAILED: no PSS for $id"
        break
      fi
      sum=$((sum + pss))
      [ "$rt" = ocirun ] || continue
      # The reaper forks the sleep as start returns: give it a moment to appear.
      child="" cpss=""
      for try in 1 2 3 4 5 6 7 8 9 10; do
        read -r child _ 2>/dev/null <"/proc/$pid/task/$pid/children" || true
        [ -n "$child" ] && cpss=$(awk '/^Pss:/ {print $2}' "/proc/$child/smaps_rollup" 2>/dev/null || true)
        [ -n "$cpss" ] && break
        sleep 0.05
      done
      if [ -z "$cpss" ]; then
        status pss-init-child "$rt" "failed: no child of pid 1 ($pid) in $id"
        log "pss-init: $rt: no child of pid 1 in $id"
        csum=""
        continue
      fi
      [ -z "$csum" ] || csum=$((csum + cpss))
    done
    if ! failed pss-init "$rt"; then
      echo "$n $sum" >>"$RAW/pss-init/$rt.tsv"
      [ -z "$csum" ] || [ "$rt" != ocirun ] || echo "$n $csum" >>"$RAW/pss-init-child/$rt.tsv"
    fi
    delete_all "$rt" "${ids[@]:0:$n}"
    rm -rf "$WORK/bundles/$rt-pssi"
  done
}

# OCIRUN_BENCH_ONLY="pss pss-init" runs only those scenario groups (run, run-seccomp, exec, lifecycle,
# engine, concurrent, list-state, rss, pss, pss-init); the others are reported as n/a. Empty: all of them.
selected() {
  [ -z "${OCIRUN_BENCH_ONLY:-}" ] && return 0
  [[ " $OCIRUN_BENCH_ONLY " == *" $1 "* ]] && return 0
  local s rt
  shift
  for s in "$@"; do
    for rt in $RUNTIMES; do
      failed "$s" "$rt" || status "$s" "$rt" "n/a: not selected (OCIRUN_BENCH_ONLY)"
    done
  done
  return 1
}

# ---------------------------------------------------------------------------------------------

write_report() {
  local stamp
  stamp=$(date -u +%Y-%m-%d)-$(hostname -s)
  mkdir -p "$OUT"
  harness report --raw "$RAW" --runtimes "$RUNTIMES" \
    --md "$OUT/$stamp.md" --json "$OUT/$stamp.json" --svg "$OUT/start-latency.svg"
  echo
  log "wrote $OUT/$stamp.md, $OUT/$stamp.json, $OUT/start-latency.svg"
  local f
  for f in "$RAW"/status/*; do
    [ -f "$f" ] && grep -qs '^failed' "$f" && log "$(basename "$f"): $(cat "$f")"
  done
  seccomp_figures "$OUT/$stamp.md"
  return 0
}

# The seccomp filter itself (issue #5): instructions per syscall next to libseccomp's on Docker's profile,
# from tests/Seccomp.Tests (which load libseccomp), and ocirun's compile time as `create` pays it.
seccomp_figures() {
  local md=$1 repo figures profile
  repo=$(cd "$BENCH/.." && pwd)
  figures=$repo/tests/Seccomp.Tests/bin/Release/net10.0/seccomp-figures.txt
  profile=$repo/testdata/seccomp/docker-default.oci-amd64.json
  [ -f "$profile" ] && [ -n "${BIN[ocirun]:-}" ] || return 0
  # A run limited by OCIRUN_BENCH_ONLY skips this build-and-test unless it measures seccomp.
  [ -z "${OCIRUN_BENCH_ONLY:-}" ] || [[ " $OCIRUN_BENCH_ONLY " == *" run-seccomp "* ]] || return 0
  rm -f "$figures"
  dotnet test "$repo/tests/Seccomp.Tests" -c Release -nologo -v quiet --filter "FullyQualifiedName~MeasurementTests" \
    >/dev/null 2>&1 || log "seccomp measurement tests failed"
  {
    echo
    echo "## Seccomp filter (Docker's default profile, x86_64)"
    echo
    echo '```'
    [ -f "$figures" ] && sed 's/^[0-9TZ:-]* //' "$figures"
    local i
    for i in 1 2 3; do
      "${BIN[ocirun]}" --debug seccomp compile "$profile" --format text 2>&1 >/dev/null | grep -o 'compile=[0-9.]*' | head -n1
    done | sed 's/^/ocirun AOT, first compile in the process (ms): /'
    echo '```'
  } >>"$md"
  log "seccomp figures appended to $md"
}

main() {
  parse_args "$@"
  set_parameters
  if [ -z "${OCIRUN_BENCH_IN_NAMESPACE:-}" ]; then
    preflight
    build_harness
    enter_namespace "$@"
  fi
  setup_namespace
  make_workdir
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  resolve_runtimes
  # Runtimes that are not installed still get their row: n/a in every scenario.
  local rt s
  for rt in $RUNTIMES; do
    [ -n "${BIN[$rt]:-}" ] && continue
    for s in run run-mounts run-seccomp exec lifecycle engine concurrent list state rss-create rss-init pss-created pss-init pss-init-child; do
      status "$s" "$rt" "n/a: binary not found"
    done
  done
  make_mounts_namespace
  describe_machine
  make_templates
  log "runtimes: ${AVAILABLE[*]}; work dir $WORK; $(jq -c .params "$RAW/machine.json")"

  ! selected run run run-mounts || bench_sequential run "$WORK/true.json"
  ! selected run-seccomp run-seccomp || bench_sequential run-seccomp "$WORK/seccomp.json"
  ! selected exec exec || bench_exec
  ! selected lifecycle lifecycle || bench_sequential lifecycle "$WORK/sleep.json"
  ! selected engine engine || bench_engine
  ! selected concurrent concurrent || bench_concurrent
  ! selected list-state list state || bench_list_state
  ! selected rss rss-create rss-init || bench_rss
  ! selected pss pss-created || bench_pss
  ! selected pss-init pss-init pss-init-child || bench_pss_init
  write_report
}

main "$@"
