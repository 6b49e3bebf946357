#!/bin/sh
# Prints the configuration table of docs/operations.md from `raas serve --help`,
# so the table never lists a flag the binary lacks: deploy/config-table.sh [path/to/raas]
set -eu
RAAS=${1:-raas}
"$RAAS" serve --help 2>&1 | awk '
/^  --/ {
	flag = $1; env = $2; $1 = ""; $2 = ""; desc = substr($0, 3)
	def = ""
	if (match(desc, / \(default [^)]*\)$/)) { def = substr(desc, RSTART + 10, RLENGTH - 11); desc = substr(desc, 1, RSTART - 1) }
	gsub(/\|/, "\\|", desc)
	printf "| `%s` | `%s` | %s | %s |\n", flag, substr(env, 2), (def == "" ? "" : "`" def "`"), desc
}' | { echo "| flag | environment | default | meaning |"; echo "|---|---|---|---|"; cat; }
