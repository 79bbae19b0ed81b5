#!/usr/bin/env bash
# Runs the conformance suite against each runtime binary given (default: this repo's
# out/ocirun, /usr/sbin/runc, /usr/bin/crun) and prints a markdown table of cases x
# runtimes, also written to conformance/results/latest.md. A binary that does not exist
# gets an "n/a" column instead of failing the script.
#
#   conformance/run.sh                      # the three defaults
#   conformance/run.sh /usr/sbin/runc       # just one
#   CONFORMANCE_FILTER='FullyQualifiedName~Lifecycle' conformance/run.sh   # a subset
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
project="$here/Conformance.Tests.csproj"
results_dir="$here/results"
work="$(mktemp -d /tmp/ocirun-test-report-XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ "$#" -gt 0 ]; then
  binaries=("$@")
else
  binaries=("$repo/out/ocirun" /usr/sbin/runc /usr/bin/crun)
fi

echo "building the suite..." >&2
if ! dotnet build "$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  echo "build failed" >&2
  exit 2
fi

names=()
versions=()
for i in "${!binaries[@]}"; do
  bin="${binaries[$i]}"
  name="$(basename "$bin")"
  names+=("$name")
  if [ ! -x "$bin" ]; then
    echo "$name: $bin not found, column n/a" >&2
    versions+=("$name: not present ($bin)")
    continue
  fi
  versions+=("$name: $("$bin" --version 2>/dev/null | head -1) ($bin)")
  echo "running the suite against $bin..." >&2
  start=$(date +%s)
  filter=()
  [ -n "${CONFORMANCE_FILTER:-}" ] && filter=(--filter "$CONFORMANCE_FILTER")
  OCIRUN_UNDER_TEST="$bin" timeout 900 dotnet test "$project" -c Release --no-build -nologo \
    "${filter[@]}" --logger "trx;LogFileName=$i.trx" --results-directory "$work" \
    --blame-hang-timeout 120s --blame-hang-dump-type none \
    >"$work/$i.log" 2>&1
  took=$(( $(date +%s) - start ))
  versions[$i]="${versions[$i]}, suite took ${took}s"
  echo "  $(grep -E '(Passed|Failed)!' "$work/$i.log" | tail -1) [${took}s]" >&2
done

report="$work/latest.md"
{
  echo "# ocirun conformance results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(uname -srm), $(nproc) cores"
  for v in "${versions[@]}"; do echo "- $v"; done
  echo "- ShimContractTests.*: runc's exit codes and words where engines match them; the table is conformance/ShimContract.md"
  echo
} >"$report"

python3 - "$work" "$report" "${names[@]}" <<'PY'
import os, sys, xml.etree.ElementTree as ET

work, report, names = sys.argv[1], sys.argv[2], sys.argv[3:]
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
prefix = "Conformance.Cases."
results = []   # per runtime: {case: (outcome, message)} or None when not run
for i, _ in enumerate(names):
    path = os.path.join(work, f"{i}.trx")
    if not os.path.exists(path):
        results.append(None)
        continue
    cases = {}
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        name = r.get("testName", "")
        name = name[len(prefix):] if name.startswith(prefix) else name
        msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        text = (msg.text or "").strip() if msg is not None else ""
        cases[name] = (r.get("outcome", "?"), " ".join(text.split())[:300])
    results.append(cases)

all_cases = sorted({c for r in results if r for c in r})
cell = {"Passed": "pass", "Failed": "**FAIL**", "NotExecuted": "skip"}
out = []
out.append("| case | " + " | ".join(names) + " |")
out.append("|---|" + "---|" * len(names))
for case in all_cases:
    row = []
    for r in results:
        if r is None: row.append("n/a")
        elif case in r: row.append(cell.get(r[case][0], r[case][0]))
        else: row.append("-")
    out.append(f"| {case} | " + " | ".join(row) + " |")
totals = []
for r in results:
    if r is None: totals.append("n/a")
    else: totals.append(f"{sum(1 for o, _ in r.values() if o == 'Passed')}/{len(r)}")
out.append("| **passed** | " + " | ".join(totals) + " |")
out.append("")
failures = [(n, c, r[c][1]) for n, r in zip(names, results) if r for c in sorted(r) if r[c][0] == "Failed"]
if failures:
    out.append("## Failures")
    out.append("")
    for n, c, m in failures:
        out.append(f"- {n} `{c}`: {m}")
    out.append("")
with open(report, "a") as f:
    f.write("\n".join(out) + "\n")
PY

mkdir -p "$results_dir"
cp "$report" "$results_dir/latest.md"
cat "$report"
