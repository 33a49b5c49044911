#!/bin/sh
# KTAP v1 on stdin -> "name result" lines (pass, fail, skip), one per
# top-level test: names made LAVA-safe ([-_a-zA-Z0-9.] only).
while IFS= read -r line; do
	case "$line" in
	"not ok "*) r=fail ;;
	"ok "*"# SKIP"*) r=skip ;;
	"ok "*) r=pass ;;
	*) continue ;;
	esac
	name=$(printf '%s' "$line" | sed 's/^\(not \)\{0,1\}ok [0-9]* //; s/ *#.*//; s/[^-_a-zA-Z0-9.]/_/g; s/__*/_/g')
	echo "$name $r"
done
