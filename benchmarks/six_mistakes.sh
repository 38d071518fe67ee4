#!/usr/bin/env bash
# How many diagnostics `sitegen check` prints for each of issue 11's six editor mistakes, made
# one at a time on a copy of a tree's demo site.
#
#     bash benchmarks/six_mistakes.sh [TREE]   # TREE: a checkout of sitegen (default: this one)
#
# TREE's own `sitegen` package is used (PYTHONPATH), so a checkout of an older commit
# (`git worktree add --detach /tmp/old <commit>`) gives the "before" column with this venv.
set -u
TREE=$(cd "${1:-$(dirname "$0")/..}" && pwd)
export PYTHONPATH=$TREE
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
count() {  # a mistake's name, then the sed edit and the file it applies to
  rm -rf "$WORK/site" && mkdir "$WORK/site" && cp -r "$TREE/content" "$TREE/sitegen.yaml" "$TREE/static" "$WORK/site/"
  (cd "$WORK/site" && sed -i "$2" "$3" && python -c 'from sitegen.cli import main; main()' check 2>&1 \
    | grep -cE '^[^ ]+:[0-9]+:[0-9]+: (error|warning)\[') | xargs printf '%-58s %s\n' "$1"
}
A=content/associations/330106.yaml
S=content/stories/binjiang-yexiao-panyifan.md
count "misspelled field (founded -> fonded) in 330106.yaml" 's/^founded:/fonded:/' $A
count "valid but wrong code (region: 330108) in 330106.yaml" 's/^region: "330106"/region: "330108"/' $A
count "full-width colon (supervisor：) in 330106.yaml" 's/^supervisor:/supervisor：/' $A
count "brand by its Chinese name (brand: 金晖助老)" 's/^brand: .*/brand: 金晖助老/' content/projects/xihu-jinhui-zhulao.yaml
count "story links to a missing association (/associations/339999/)" '$a\\n见[不存在的协会](/associations/339999/)。' $S
count "story links to a missing anchor and image" '$a\\n见[本页](#no-such) 和 ![图](/img/no-such.png)。' $S
