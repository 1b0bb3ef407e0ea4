#!/usr/bin/env bash
# Resolve a merge conflict in translation files: the union of both sides'
# entries (the incoming side wins where both translate a term differently).
#   tools/i18n_merge.sh FILE...
set -euo pipefail
for f in "$@"; do
    tmp=$(mktemp -d)
    git show ":2:$f" >"$tmp/ours"
    git show ":3:$f" >"$tmp/theirs"
    msgcat --use-first --no-wrap -o "$f" "$tmp/theirs" "$tmp/ours"
    rm -rf "$tmp"
done
