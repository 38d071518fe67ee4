# ---- 以下是各平台共用的步骤，一般不需要修改 ----

OUT="${SITEGEN_OUT:-output}"                 # 构建输出目录
WORK="${SITEGEN_DEPLOY_DIR:-.sitegen-deploy}" # 发布用的工作目录：待刷新的网址、分组上传的文件、工具
CDN_MAX_URLS="${CDN_MAX_URLS:-1000}"          # 改动的网址超过这么多时，改为刷新整个网站目录
PATH="$PWD/$WORK/bin:$PATH"                   # "sh $0 tools" 把工具装在这里
export PATH

say() { printf '%s\n' "$*" >&2; }
fail() { say "发布失败：$*"; exit 1; }

# need 变量名 说明：设置缺失时说明在哪里设置
need() {
  eval "value=\${$1:-}"
  [ -n "$value" ] || fail "没有设置 $1（$2）。请在 CI 的变量或密钥中设置，或写在 $0 开头的设置里。"
}

# need_tool 命令 说明
need_tool() {
  command -v "$1" >/dev/null 2>&1 || fail "找不到命令 $1（$2）。运行 sh $0 tools 安装到 $WORK/bin/，或自行安装。"
}

# 网站在域名下的路径，不带开头的 /：网站在根目录时为空，在 /volunteer/ 下时为 volunteer/
site_path() {
  rest=${SITE_URL#*://}
  case $rest in
    */*) printf '%s' "${rest#*/}" ;;
    *) printf '' ;;
  esac
}

# 构建：sitegen 只在内容无误时替换输出目录，并列出与上次相比改动了的网址。
# 上次发布没能刷新的网址留在 pending.txt 中，这次一并刷新。
build_site() {
  case $SITE_URL in
    http://*/|https://*/) ;;
    *) fail "SITE_URL 应为以 / 结尾的完整网址，例如 https://example.org/ 或 https://example.org/volunteer/，现在是“$SITE_URL”" ;;
  esac
  mkdir -p "$WORK"
  sitegen build -q -o "$OUT" --base-url "$SITE_URL" --changed-urls "$WORK/changed.txt"
  cat "$WORK/changed.txt" >>"$WORK/pending.txt"
  sort -u "$WORK/pending.txt" -o "$WORK/pending.txt"
  say "构建完成：改动的网址 $(grep -c . "$WORK/changed.txt" || true) 个，待刷新 $(grep -c . "$WORK/pending.txt" || true) 个"
}

# 把输出目录按上传顺序分成四组（硬链接，不占空间），每组都放在网站路径之下：
#   immutable  assets/img/ 下带内容摘要的图片（名字-8位摘要-宽度w.扩展名），内容变了名字就变，可以永久缓存
#   assets     其他文件（样式、脚本、数据、静态文件）
#   search     站内搜索的索引 pagefind/
#   html       页面
stage_groups() {
  prefix=$(site_path)
  rm -rf "$WORK/stage"
  for group in immutable assets search html; do
    mkdir -p "$WORK/stage/$group/$prefix"
    cp -al "$OUT/." "$WORK/stage/$group/$prefix" 2>/dev/null || cp -a "$OUT/." "$WORK/stage/$group/$prefix"
  done
  hashed="*/assets/img/*-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*"
  sub=${prefix:+/${prefix%/}}
  root="$WORK/stage/immutable$sub"
  find "$root" -type f ! -path "$hashed" -exec rm -f {} +
  root="$WORK/stage/search$sub"
  find "$root" -type f ! -path "$root/pagefind/*" -exec rm -f {} +
  root="$WORK/stage/html$sub"
  find "$root" -type f ! -name '*.html' -exec rm -f {} +
  root="$WORK/stage/assets$sub"
  find "$root" -type f \( -name '*.html' -o -path "$root/pagefind/*" -o -path "$hashed" \) -exec rm -f {} +
  find "$WORK/stage" -mindepth 1 -type d -empty -delete
  for group in immutable assets search html; do mkdir -p "$WORK/stage/$group"; done
}

# has_files 目录：目录里有没有文件
has_files() {
  [ -n "$(find "$1" -type f 2>/dev/null | head -n 1)" ]
}

# 网址列表分成每份最多 N 行：split_urls N → 打印各份文件名
split_urls() {
  rm -f "$WORK"/urls.part.*
  split -l "$1" "$WORK/pending.txt" "$WORK/urls.part."
  ls "$WORK"/urls.part.* 2>/dev/null || true
}

# 百度普通收录：设置了 BAIDU_TOKEN 时，把改动了的、仍然存在的页面推送给百度
push_baidu() {
  [ -n "${BAIDU_TOKEN:-}" ] || return 0
  : >"$WORK/baidu.txt"
  while IFS= read -r url; do
    rel=${url#"$SITE_URL"}
    case $rel in
      '' | */) file="$OUT/${rel}index.html" ;;
      *.html) file="$OUT/$rel" ;;
      *) continue ;;
    esac
    [ -f "$file" ] && printf '%s\n' "$url" >>"$WORK/baidu.txt"
  done <"$WORK/pending.txt"
  has_lines "$WORK/baidu.txt" || return 0
  host=${SITE_URL%"${SITE_URL#*://*/}"}
  curl -fsS -H 'Content-Type: text/plain' --data-binary "@$WORK/baidu.txt" \
    "http://data.zz.baidu.com/urls?site=${host%/}&token=$BAIDU_TOKEN" >&2 ||
    say "提示：推送到百度没有成功（不影响发布）"
}

has_lines() {
  [ -s "$1" ] && grep -q . "$1"
}

# 刷新成功后清空待刷新列表
refreshed() {
  : >"$WORK/pending.txt"
}
