#!/usr/bin/env bash
# Run one phase of `make test`, and record how long it took.
#   tools/timed.sh NAME COMMAND...   runs COMMAND, appends "NAME<TAB>seconds<TAB>exit code" to $PHASE_LOG
#   tools/timed.sh --summary [NAME...]  prints the recorded phases as a table; a NAME with no record
#                                       had nothing to do (make found it up to date) and shows 0 s
set -u
log=${PHASE_LOG:-.venv/phase-times.tsv}
if [ "${1:-}" = "--summary" ]; then
  printf '\n%-28s %10s  %s\n' "phase" "seconds" "result"
  shift
  [ -f "$log" ] || : > "$log"
  awk -F'\t' -v expected="$*" '
    { name[NR] = $1; secs[$1] = $2; rc[$1] = $3; n = NR }
    END {
      m = split(expected, want, " ")
      for (i = 1; i <= m; i++) if (!(want[i] in secs)) { printf "%-28s %10.1f  %s\n", want[i], 0, "nothing to do"; listed[want[i]] = 1 }
      for (i = 1; i <= n; i++) { k = name[i]; t += secs[k]
        printf "%-28s %10.1f  %s\n", k, secs[k], (rc[k] == 0 ? "ok" : "FAILED (exit " rc[k] ")") }
      printf "%-28s %10.1f\n", "total", t
    }' "$log"
  exit 0
fi
name=$1
shift
start=$(date +%s.%N)
"$@"
rc=$?
end=$(date +%s.%N)
mkdir -p "$(dirname "$log")"
printf '%s\t%s\t%s\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" "$rc" >> "$log"
exit $rc
