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
. "$HERE/lib.sh"

# A cgroupfs path of its own per case and runtime, below the root.
paths() { CGPATH=/$ID CGDIR=$CG/$ID; }
residue() { ls -d "$CG"/ocirun-test-* 2>/dev/null | tr '\n' ' '; }

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

case_cpu_burst_update() {
  # Lowering the quota below the current burst: the kernel refuses cpu.max until the new, smaller burst is in.
  bundle '{"cpu":{"quota":50000,"period":100000,"burst":40000}}' 'sleep 1000'
  run_bg
  echo '{"cpu":{"quota":20000,"period":100000,"burst":10000}}' > "$W/res.json"
  rt update -r "$W/res.json" "$ID" 2> "$ERR" || fail "update: $(cat "$ERR")"
  expect "cpu.max" "$(host cpu.max)" "20000 100000"
  expect "cpu.max.burst" "$(host cpu.max.burst)" 10000
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

case_io_weight_without_bfq() {
  # Without bfq, blockIO.weight (10..1000) converts to io.weight (1..10000) as runc does: 500 -> 4950.
  [ -f /.guest-modules/bfq.ko ] || skip "no bfq module to unload and reload"
  echo mq-deadline > /sys/block/vda/queue/scheduler && busybox rmmod bfq || skip "cannot unload bfq"
  bundle '{"blockIO":{"weight":500}}' "$(probe io.weight) echo bfq=\$(ls /sys/fs/cgroup/io.bfq.weight 2>/dev/null)"
  run_fg; rc=$?
  busybox insmod /.guest-modules/bfq.ko && echo bfq > /sys/block/vda/queue/scheduler
  [ $rc -eq 0 ] || fail "run: $(cat "$ERR")"
  expect "io.bfq.weight gone" "$(inside bfq)" ""
  expect "io.weight" "$(inside io.weight)" "default 4950"
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
  [ -d "$CGDIR" ] && fail "the cgroup $CGDIR was left behind"
  true
}

case_devices() {
  [ -n "$VDA" ] || skip "no virtio disk in the guest"
  maj=${VDA%:*} min=${VDA#*:}
  # The disk: allowed rwm, then w denied by a later rule: read works, write does not (without the filter both would,
  # for root on a node made in the container). /dev/zero denied by the config is allowed again by the default list,
  # which runc appends after the config's rules.
  bundle "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\",\"major\":$maj,\"minor\":$min,\"access\":\"rwm\"},{\"allow\":false,\"type\":\"b\",\"major\":$maj,\"minor\":$min,\"access\":\"w\"},{\"allow\":false,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"}]}" \
    "mknod /tmp/disk b $maj $min || echo mknod=failed; head -c 512 /tmp/disk > /dev/null && echo read=ok; { echo x > /tmp/disk; } 2>/dev/null && echo write=ok || echo write=denied; { head -c 1 /dev/zero > /dev/null; } 2>/dev/null && echo zero=ok || echo zero=denied; echo null=\$(echo y > /dev/null && echo ok)" \
    '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
  run_fg || fail "run: $(cat "$ERR")"
  [ -z "$(inside mknod)" ] || fail "mknod of the disk in the container failed: $(cat "$OUT" "$ERR")"
  expect "read of the block device allowed rwm" "$(inside read)" ok
  expect "write to the block device after a later w deny" "$(inside write)" denied
  expect "/dev/zero denied by the config, allowed by the defaults after it" "$(inside zero)" ok
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
  expect_match "processes in cgroup.procs" "$(wc -l < "$CGDIR/cgroup.procs" | tr -d ' ')" '^[34]$'
  rt kill --all "$ID" KILL 2> "$ERR" || fail "kill --all: $(cat "$ERR")"
  i=0; while [ $i -lt 50 ] && [ -s "$CGDIR/cgroup.procs" ]; do sleep 0.1; i=$((i+1)); done
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
  [ -d "$CGDIR" ] || fail "no cgroup $CGDIR while running"
  rt delete -f "$ID" 2> "$ERR" || fail "delete -f: $(cat "$ERR")"
  [ -d "$CGDIR" ] && fail "delete left $CGDIR"
  true
}

# --- checkpoint and restore (criu 3.17 on this 6.1 kernel) ----------------------------------------------------------
# A counter the restored process must carry on from: it writes i to /tmp (a tmpfs criu saves) five times a second.
# Its stdio is /dev/null, so nothing of the runtime's is held open. No network namespace: criu 3.17 cannot dump one
# here ("Dumping netns links": -22 reported by netlink, for runc as for us).
COUNTER='exec >/dev/null 2>&1 </dev/null; i=0; while true; do echo $i > /tmp/count; i=$((i+1)); sleep 0.2; done'
NO_NETNS='.linux.namespaces |= map(select(.type != "network"))'
need_criu() {
  command -v criu > /dev/null || skip "no criu"
  criu check > "$W/criu-check" 2>&1 || skip "criu check: $(grep Error "$W/criu-check" | tail -1)"
}
count() { rt exec "$ID" cat /tmp/count 2> "$ERR" || fail "exec cat /tmp/count: $(tail -1 "$ERR")"; }
# restore_bg IMAGES: the container back from its images, detached.
restore_bg() {
  ( cd "$B" && rt restore -d --image-path "$1" --work-path "$B/work-restore" --bundle "$B" "$ID" ) > /dev/null 2> "$ERR" < /dev/null ||
    fail "restore: $(grep -v '^$' "$ERR" | tail -1)"
}

case_checkpoint_restore() {
  need_criu
  bundle '{}' "$COUNTER" "$NO_NETNS"
  run_bg
  sleep 3
  before=$(count)
  ( cd "$B" && rt checkpoint --image-path "$B/img" --work-path "$B/work" "$ID" ) 2> "$ERR" || fail "checkpoint: $(tail -1 "$ERR")"
  rt state "$ID" > /dev/null 2>&1 && fail "the container is still there after checkpoint"
  [ -f "$B/work/dump.log" ] || fail "no dump.log in --work-path"
  restore_bg "$B/img"
  after=$(count)
  # Started again, it would count from 0: 3 s of it is 15, below what it had before.
  [ "$after" -ge "$before" ] || fail "restored at $after, below the $before it had counted: it started again"
  sleep 1
  later=$(count)
  [ "$later" -gt "$after" ] || fail "not counting after restore ($after then $later)"
}

case_checkpoint_pre_dump() {
  need_criu
  bundle '{}' "$COUNTER" "$NO_NETNS"
  run_bg
  sleep 2
  ( cd "$B" && rt checkpoint --pre-dump --image-path "$B/pre" --work-path "$B/work-pre" "$ID" ) 2> "$ERR" || fail "pre-dump: $(tail -1 "$ERR")"
  [ -f "$B/work-pre/dump.log" ] || fail "no dump.log in the pre-dump's --work-path"
  expect "status after pre-dump" "$(rt state "$ID" | jq -r .status)" running
  before=$(count)
  ( cd "$B" && rt checkpoint --leave-running --parent-path ../pre --image-path "$B/img" --work-path "$B/work" "$ID" ) 2> "$ERR" ||
    fail "checkpoint --leave-running: $(tail -1 "$ERR")"
  expect "status after --leave-running" "$(rt state "$ID" | jq -r .status)" running
  [ -L "$B/img/parent" ] || fail "the dump did not link its pre-dump (no img/parent)"
  a=$(count); sleep 1; b=$(count)
  [ "$b" -gt "$a" ] || fail "not counting after --leave-running ($a then $b)"
  rt kill "$ID" KILL; sleep 0.5; rt delete -f "$ID" 2> "$ERR" || fail "delete: $(tail -1 "$ERR")"
  restore_bg "$B/img"
  after=$(count)
  [ "$after" -ge "$before" ] || fail "restored at $after, below the $before it had counted before the dump: it started again"
}

CASES="memory memory_unified oom cpu cpu_idle_burst cpu_burst_update cpuset pids io io_weight_without_bfq io_weight_unified hugetlb rdma misc unified_pids
unified_bad_key devices freeze kill_all update events_stats delete_removes_cgroup checkpoint_restore checkpoint_pre_dump"
[ -n "${GUEST_CASES:-}" ] && CASES=$GUEST_CASES

run_all
