#!/bin/sh
# cgroup v2 for real: every linux.resources kind written by each runtime and read back from inside the container and
# from the host's cgroup files. Runs in the guest (busybox sh), profile v2-only.
#   suite-v2.sh OCIRUN [RUNTIME...]     RUNTIME: ocirun, runc, crun (default: all three)
# One line per case and runtime: "PASS rt/case", "FAIL rt/case: why", "SKIP rt/case: why"; then "N passed, N failed,
# N skipped". Every container, cgroup and state directory carries the prefix ocirun-test and is removed.
set -u
OCIRUN=$1; shift
RUNTIMES=${*:-ocirun runc crun}
HERE=$(cd "$(dirname "$0")" && pwd)
W=/run/ocirun-test-guest
CG=/sys/fs/cgroup
passed=0 failed=0 skipped=0

binary_of() {
  case $1 in
    ocirun) echo "$OCIRUN" ;;
    runc) echo /usr/sbin/runc ;;
    crun) echo /usr/bin/crun ;;
  esac
}

# --- set-up: one rootfs shared by every bundle, one base config ---------------------------------------------------
rm -rf "$W" && mkdir -p "$W/rootfs"
( cd "$W/rootfs" && mkdir -p bin etc proc sys dev tmp root && cp /bin/busybox bin/busybox &&
  for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "bin/$a"; done &&
  echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd && echo 'root:x:0:' > etc/group )
"$OCIRUN" spec --bundle "$W" || { echo "FAIL setup: ocirun spec"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# Our base: not a terminal, the shared rootfs, a cgroup namespace and cgroup2 mounted where the probes read it.
jq --arg root "$W/rootfs" '.ociVersion = "1.0.2" | .process.terminal = false | .root = {path: $root, readonly: false}
  | .linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}])
  | .mounts |= (map(select(.destination != "/sys/fs/cgroup")) + [{destination: "/sys/fs/cgroup", type: "cgroup2", source: "cgroup", options: ["nosuid","noexec","nodev","rw"]}])
  | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' \
  "$W/config.json" > "$W/base.json" && rm "$W/config.json"
VDA=$(cat /sys/block/vda/dev 2>/dev/null)   # major:minor of the guest's scratch disk (bfq scheduler)

# --- helpers (a case runs in a subshell: "fail"/"skip" end it) ----------------------------------------------------
fail() { echo "$*" > "$W/why"; exit 1; }
skip() { echo "$*" > "$W/why"; exit 77; }
# expect WHAT ACTUAL WANTED
expect() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
# expect_match WHAT ACTUAL REGEX
expect_match() { echo "$2" | grep -Eq "$3" || fail "$1: got '$2', want /$3/"; }

# bundle RESOURCES_JSON SHELL_SCRIPT [JQ_FILTER]: the case's bundle and cgroup (/ocirun-test-<rt>-<case>).
bundle() {
  mkdir -p "$B"
  jq --arg cg "/$ID" --argjson res "$1" --arg sh "$2" \
    ".linux.cgroupsPath = \$cg | .linux.resources = ((.linux.resources // {}) * \$res) | .process.args = [\"sh\", \"-c\", \$sh] | ${3:-.}" \
    "$W/base.json" > "$B/config.json" || fail "jq on the config"
}
# rt ARGS: the runtime under test; each call's duration goes to $W/steps (printed for a slow case).
rt() {
  _t0=$(cut -d' ' -f1 /proc/uptime)
  "$RTBIN" --root "$W/state-$RT" "$@"; _rc=$?
  echo "$1 $(cut -d' ' -f1 /proc/uptime) $_t0" | awk '{printf "%s %.2fs; ", $1, $2-$3}' >> "$W/steps"
  return $_rc
}
# run_fg: run the container to its end; stdout in $OUT, stderr in $ERR.
run_fg() { rt run --bundle "$B" "$ID" > "$OUT" 2> "$ERR" < /dev/null; }
# run_bg: create + start, the process keeps running.
run_bg() {
  rt create --bundle "$B" "$ID" > "$OUT" 2> "$ERR" < /dev/null || fail "create: $(cat "$ERR")"
  rt start "$ID" 2>> "$ERR" || fail "start: $(cat "$ERR")"
}
# wait_procs N: until the container's cgroup holds N processes (start returns before the shell has forked), 5 s at most.
wait_procs() {
  i=0; while [ $i -lt 50 ] && [ "$(wc -l < "$CG/$ID/cgroup.procs")" -lt "$1" ]; do sleep 0.1; i=$((i+1)); done
}
host() { tr '\n' ' ' < "$CG/$ID/$1" | sed 's/ $//'; }
# inside KEY: the value the container printed as "KEY=value".
inside() { sed -n "s/^$1=//p" "$OUT" | head -1; }
# A probe that prints FILE=contents for each cgroup file named.
probe() { s=""; for f in "$@"; do s="$s echo $f=\$(tr '\\n' ' ' < /sys/fs/cgroup/$f | sed 's/ \$//');"; done; echo "$s"; }

cleanup() {
  rt kill "$ID" KILL > /dev/null 2>&1
  rt delete -f "$ID" > /dev/null 2>&1
  [ -d "$CG/$ID" ] && { echo 1 > "$CG/$ID/cgroup.kill" 2>/dev/null; sleep 0.2; rmdir "$CG/$ID" 2>/dev/null; }
  rm -rf "$B"
}

# --- cases -------------------------------------------------------------------------------------------------------
case_memory() {
  bundle '{"memory":{"limit":67108864,"reservation":33554432,"swap":134217728}}' "$(probe memory.max memory.low memory.swap.max)"
  run_fg || fail "run: $(cat "$ERR")"
  for f in memory.max:67108864 memory.low:33554432 memory.swap.max:67108864; do
    expect "${f%%:*} inside" "$(inside ${f%%:*})" "${f#*:}"
  done
}

case_memory_unified() {
  bundle '{"memory":{"limit":67108864},"unified":{"memory.high":"50331648","memory.oom.group":"1"}}' "$(probe memory.high memory.oom.group)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "memory.high inside" "$(inside memory.high)" 50331648
  expect "memory.oom.group inside" "$(inside memory.oom.group)" 1
}

case_oom() {
  # tail of /dev/zero holds an ever longer line: the kernel's OOM killer ends it inside a 16 MiB cgroup.
  bundle '{"memory":{"limit":16777216,"swap":16777216}}' 'tail /dev/zero; echo tail=$?; sleep 1000'
  run_bg
  i=0; while [ $i -lt 100 ] && ! grep -q '^tail=' "$OUT"; do sleep 0.2; i=$((i+1)); done
  expect "tail's exit" "$(inside tail)" 137
  expect_match "memory.events on the host" "$(host memory.events)" 'oom_kill [1-9]'
  expect "memory.max on the host" "$(host memory.max)" 16777216
}

case_cpu() {
  bundle '{"cpu":{"shares":1024,"quota":50000,"period":100000}}' "$(probe cpu.weight cpu.max)"
  run_fg || fail "run: $(cat "$ERR")"
  # runc's conversion: 1 + (shares - 2) * 9999 / 262142.
  expect "cpu.weight from shares 1024" "$(inside cpu.weight)" 39
  expect "cpu.max" "$(inside cpu.max)" "50000 100000"
}

case_cpu_idle_burst() {
  bundle '{"cpu":{"quota":50000,"period":100000,"burst":20000,"idle":1}}' "$(probe cpu.idle cpu.max.burst)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "cpu.idle" "$(inside cpu.idle)" 1
  expect "cpu.max.burst" "$(inside cpu.max.burst)" 20000
}

case_cpuset() {
  bundle '{"cpu":{"cpus":"1","mems":"0"}}' "$(probe cpuset.cpus cpuset.mems) grep Cpus_allowed_list /proc/self/status | tr -d '\t' | tr : ="
  run_fg || fail "run: $(cat "$ERR")"
  expect "cpuset.cpus" "$(inside cpuset.cpus)" 1
  expect "cpuset.mems" "$(inside cpuset.mems)" 0
  expect "Cpus_allowed_list of the process" "$(inside Cpus_allowed_list)" 1
}

case_pids() {
  # Six more processes than the limit allows: the forks past it fail and pids.events counts them.
  bundle '{"pids":{"limit":4}}' "$(probe pids.max) ( for i in 1 2 3 4 5 6; do sleep 1 & done ) 2>/dev/null; sleep 1.5; echo events=\$(cat /sys/fs/cgroup/pids.events)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "pids.max" "$(inside pids.max)" 4
  expect_match "pids.events after forking past the limit" "$(inside events)" '^max [1-9]'
}

case_io() {
  [ -n "$VDA" ] || skip "no virtio disk in the guest"
  maj=${VDA%:*}
  bundle "{\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":$maj,\"minor\":0,\"weight\":300}],\"throttleReadBpsDevice\":[{\"major\":$maj,\"minor\":0,\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":$maj,\"minor\":0,\"rate\":100}]}}" \
    "$(probe io.bfq.weight io.max)"
  run_fg || fail "run: $(cat "$ERR")"
  # With bfq the scheduler, blockIO.weight lands in io.bfq.weight unconverted (10..1000), as runc does.
  expect "io.bfq.weight" "$(inside io.bfq.weight)" "default 500 $VDA 300"
  expect "io.max" "$(inside io.max)" "$VDA rbps=1048576 wbps=max riops=max wiops=100"
}

case_io_weight_unified() {
  [ -f "$CG/cgroup.subtree_control" ] && grep -qw io "$CG/cgroup.subtree_control" || skip "no io controller"
  bundle '{"unified":{"io.weight":"default 250"}}' "$(probe io.weight)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "io.weight" "$(inside io.weight)" "default 250"
}

case_hugetlb() {
  [ -f "$CG/cgroup.controllers" ] && grep -qw hugetlb "$CG/cgroup.controllers" || skip "no hugetlb controller"
  bundle '{"hugepageLimits":[{"pageSize":"2MB","limit":4194304}]}' "$(probe hugetlb.2MB.max hugetlb.2MB.rsvd.max)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "hugetlb.2MB.max" "$(inside hugetlb.2MB.max)" 4194304
  expect "hugetlb.2MB.rsvd.max" "$(inside hugetlb.2MB.rsvd.max)" 4194304
}

case_rdma() {
  dev=$(ls /sys/class/infiniband 2>/dev/null | head -1)
  [ -n "$dev" ] || skip "no RDMA device in the guest (rdma.max takes a device name)"
  bundle "{\"rdma\":{\"$dev\":{\"hcaHandles\":3,\"hcaObjects\":100}}}" "$(probe rdma.max)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "rdma.max" "$(inside rdma.max)" "$dev hca_handle=3 hca_object=100"
}

case_misc() {
  res=$(sed -n '1s/ .*//p' "$CG/misc.capacity" 2>/dev/null)
  [ -n "$res" ] || skip "no misc resource on this machine (misc.capacity is empty: no SEV)"
  bundle "{\"unified\":{\"misc.max\":\"$res 1\"}}" "$(probe misc.max)"
  run_fg || fail "run: $(cat "$ERR")"
  expect_match "misc.max" "$(inside misc.max)" "$res 1"
}

case_unified_pids() {
  bundle '{"unified":{"pids.max":"17","cpu.weight":"77"}}' "$(probe pids.max cpu.weight)"
  run_fg || fail "run: $(cat "$ERR")"
  expect "pids.max" "$(inside pids.max)" 17
  expect "cpu.weight" "$(inside cpu.weight)" 77
}

case_unified_bad_key() {
  bundle '{"unified":{"nosuch.file":"1"}}' 'true'
  run_fg && fail "a unified key with no file was accepted"
  expect_match "the error names the key" "$(cat "$ERR")" 'nosuch'
  [ -d "$CG/$ID" ] && fail "the cgroup $CG/$ID was left behind"
  true
}

case_devices() {
  [ -n "$VDA" ] || skip "no virtio disk in the guest"
  maj=${VDA%:*} min=${VDA#*:}
  # The disk may be read (a rule without w) but not written; /dev/zero, in every runtime's default list, is denied by
  # the config's later rule. Without the filter each would succeed (root, a node made in the container).
  bundle "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":$maj,\"minor\":$min,\"access\":\"rm\"},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"}]}" \
    "mknod /tmp/disk b $maj $min || echo mknod=failed; head -c 512 /tmp/disk > /dev/null && echo read=ok; { echo x > /tmp/disk; } 2>/dev/null && echo write=ok || echo write=denied; { head -c 1 /dev/zero > /dev/null; } 2>/dev/null && echo zero=ok || echo zero=denied; echo null=\$(echo y > /dev/null && echo ok)" \
    '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
  run_fg || fail "run: $(cat "$ERR")"
  [ -z "$(inside mknod)" ] || fail "mknod of the disk in the container failed: $(cat "$OUT" "$ERR")"
  expect "read of the block device allowed rm" "$(inside read)" ok
  expect "write to the block device allowed rm" "$(inside write)" denied
  expect "/dev/zero after a deny rule" "$(inside zero)" denied
  expect "/dev/null (default list)" "$(inside null)" ok
}

case_freeze() {
  bundle '{}' 'sleep 1000'
  run_bg
  rt pause "$ID" 2> "$ERR" || fail "pause: $(cat "$ERR")"
  expect "cgroup.freeze after pause" "$(host cgroup.freeze)" 1
  expect_match "cgroup.events after pause" "$(host cgroup.events)" 'frozen 1'
  expect_match "state after pause" "$(rt state "$ID" | jq -r .status)" paused
  rt resume "$ID" 2> "$ERR" || fail "resume: $(cat "$ERR")"
  expect_match "cgroup.events after resume" "$(host cgroup.events)" 'frozen 0'
  expect_match "state after resume" "$(rt state "$ID" | jq -r .status)" running
}

case_kill_all() {
  # No pid namespace: killing the container's first process does not end the others; kill --all must.
  bundle '{}' 'sleep 1000 & sleep 1000 & sleep 1000' '.linux.namespaces |= map(select(.type != "pid"))'
  run_bg
  wait_procs 3
  expect_match "processes in cgroup.procs" "$(wc -l < "$CG/$ID/cgroup.procs" | tr -d ' ')" '^[34]$'
  rt kill --all "$ID" KILL 2> "$ERR" || fail "kill --all: $(cat "$ERR")"
  i=0; while [ $i -lt 50 ] && [ -s "$CG/$ID/cgroup.procs" ]; do sleep 0.1; i=$((i+1)); done
  expect "cgroup.procs after kill --all" "$(host cgroup.procs)" ""
  expect_match "cgroup.events populated" "$(host cgroup.events)" 'populated 0'
}

case_update() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":20},"cpu":{"quota":10000,"period":100000}}' 'sleep 1000'
  run_bg
  rt update --memory 104857600 --memory-swap 209715200 --pids-limit 50 --cpu-quota 20000 --cpu-period 100000 --cpu-share 2048 "$ID" 2> "$ERR" \
    || fail "update: $(cat "$ERR")"
  expect "memory.max" "$(host memory.max)" 104857600
  expect "memory.swap.max" "$(host memory.swap.max)" 104857600
  expect "pids.max" "$(host pids.max)" 50
  expect "cpu.max" "$(host cpu.max)" "20000 100000"
  expect "cpu.weight from shares 2048" "$(host cpu.weight)" 79
}

case_events_stats() {
  bundle '{"memory":{"limit":67108864},"pids":{"limit":20}}' 'sleep 1000 & sleep 1000'
  run_bg
  wait_procs 2
  rt events --stats "$ID" > "$W/stats" 2> "$ERR" || fail "events --stats: $(cat "$ERR")"
  expect_match "pids.current" "$(jq -r .data.pids.current "$W/stats")" '^[23]$'
  expect "pids.limit" "$(jq -r .data.pids.limit "$W/stats")" 20
  expect "memory.usage.limit" "$(jq -r .data.memory.usage.limit "$W/stats")" 67108864
  expect_match "memory.usage.usage" "$(jq -r .data.memory.usage.usage "$W/stats")" '^[1-9][0-9]*$'
  expect_match "cpu.usage.total" "$(jq -r .data.cpu.usage.total "$W/stats")" '^[1-9][0-9]*$'
}

case_delete_removes_cgroup() {
  bundle '{"pids":{"limit":10}}' 'sleep 1000'
  run_bg
  [ -d "$CG/$ID" ] || fail "no cgroup $CG/$ID while running"
  rt delete -f "$ID" 2> "$ERR" || fail "delete -f: $(cat "$ERR")"
  [ -d "$CG/$ID" ] && fail "delete left $CG/$ID"
  true
}

CASES="memory memory_unified oom cpu cpu_idle_burst cpuset pids io io_weight_unified hugetlb rdma misc unified_pids
unified_bad_key devices freeze kill_all update events_stats delete_removes_cgroup"
[ -n "${GUEST_CASES:-}" ] && CASES=$GUEST_CASES

for RT in $RUNTIMES; do
  RTBIN=$(binary_of "$RT")
  mkdir -p "$W/state-$RT"
  for c in $CASES; do
    ID=ocirun-test-$RT-$(echo "$c" | tr _ -)
    B=$W/b/$ID OUT=$W/out-$ID ERR=$W/err-$ID
    rm -f "$W/why" "$W/steps"
    t0=$(cut -d' ' -f1 /proc/uptime)
    ( "case_$c" ); rc=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    secs=$(echo "$t0 $t1" | awk '{printf "%.1f", $2-$1}')
    why=$(cat "$W/why" 2>/dev/null | head -1)
    cleanup
    case $rc in
      0) echo "PASS $RT/$c (${secs}s)"; passed=$((passed+1))
         [ "${secs%.*}" -ge 5 ] && echo "# $RT/$c steps: $(cat "$W/steps" 2>/dev/null)" ;;
      77) echo "SKIP $RT/$c: $why"; skipped=$((skipped+1)) ;;
      *) echo "FAIL $RT/$c: ${why:-exit $rc}"; failed=$((failed+1)) ;;
    esac
    rm -f "$OUT" "$ERR"
  done
done
# Anything a runtime left behind is a failure of the suite.
left=$(ls -d "$CG"/ocirun-test-* 2>/dev/null | tr '\n' ' ')
[ -n "$left" ] && { echo "FAIL residue: cgroups left: $left"; failed=$((failed+1)); }
rm -rf "$W"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
