#!/bin/sh
# sitegen：构建网站并发布到 EdgeOne Pages（由 sitegen 生成）
#
#   sh deploy/edgeone.sh         构建，并把整个网站作为一次新部署上传到 EdgeOne Pages
#   sh deploy/edgeone.sh tools   用 npm 安装 EdgeOne 命令行工具（需要 Node.js）
#
# EdgeOne Pages 每次部署后自动让边缘缓存失效，不需要另外刷新 CDN；deploy/edgeone.json 设置缓存头，
# 网站根目录的 404.html 就是未找到页面。说明见 sitegen 的《维护指南》“发布到 EdgeOne Pages”。
# 密钥只从环境变量（CI 密钥）读取，不要写进本文件：
#   EDGEONE_API_TOKEN    EdgeOne Pages 的 API Token
#   BAIDU_TOKEN（可选）  百度普通收录的推送令牌
set -eu

# ▼▼▼ 设置：可以直接改这里，也可以用同名的 CI 变量覆盖 ▼▼▼
SITE_URL="${SITE_URL:-__BASE_URL__}"   # 网站的完整网址（Pages 项目绑定的域名），可带子路径
EDGEONE_PROJECT="${EDGEONE_PROJECT:-}" # Pages 项目名称（控制台中以“直接上传”方式创建）
# ▲▲▲

__COMMON__

deploy() {
  need EDGEONE_PROJECT "Pages 项目名称"
  need EDGEONE_API_TOKEN "EdgeOne Pages 的 API Token"
  need_tool edgeone "EdgeOne 命令行工具（npm 包 edgeone）"
  build_site
  prefix=$(site_path)
  rm -rf "$WORK/pages"
  mkdir -p "$WORK/pages/$prefix"
  cp -al "$OUT/." "$WORK/pages/$prefix" 2>/dev/null || cp -a "$OUT/." "$WORK/pages/$prefix"
  sed "s|/__PREFIX__|/${prefix%/}|g; s|//|/|g" "$(dirname "$0")/edgeone.json" >"$WORK/pages/edgeone.json"
  say "上传到 EdgeOne Pages 项目 $EDGEONE_PROJECT"
  edgeone pages deploy "$WORK/pages" -n "$EDGEONE_PROJECT" -t "$EDGEONE_API_TOKEN"
  push_baidu
  refreshed
  say "已发布到 EdgeOne Pages → $SITE_URL"
}

tools() {
  if ! command -v edgeone >/dev/null 2>&1; then
    command -v npm >/dev/null 2>&1 || fail "安装 EdgeOne 命令行工具需要 Node.js 和 npm"
    npm install --prefix "$WORK/npm" edgeone
    mkdir -p "$WORK/bin"
    ln -sf "$PWD/$WORK/npm/node_modules/.bin/edgeone" "$WORK/bin/edgeone"
  fi
  say "工具已就绪：$(command -v edgeone)"
}

case "${1:-deploy}" in
  deploy) deploy ;;
  tools) tools ;;
  *) fail "不认识的参数“$1”：可用 deploy（默认）、tools" ;;
esac
