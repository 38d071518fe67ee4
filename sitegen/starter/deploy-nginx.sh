#!/bin/sh
# sitegen：构建网站并用 rsync 复制到 Nginx 服务器的网站目录（内网、政务云，由 sitegen 生成）
#
#   sh deploy/nginx.sh          构建，按顺序复制（图片等 → 搜索索引 → 页面），删除服务器上多余的文件
#
# 服务器的 Nginx 配置见 deploy/nginx.conf；说明见 sitegen 的《维护指南》“发布到自己的 Nginx 服务器”。
# 通过 SSH 复制时，用 Jenkins 的凭据或 ssh-agent 提供密钥，不要把私钥放进仓库；
# 需要指定端口等 SSH 选项时设置 RSYNC_RSH，例如 RSYNC_RSH="ssh -p 2222"。
set -eu

# ▼▼▼ 设置：可以直接改这里，也可以用同名的环境变量（Jenkins 的 environment）覆盖 ▼▼▼
SITE_URL="${SITE_URL:-__BASE_URL__}"   # 网站的完整网址，可带子路径
DEPLOY_TARGET="${DEPLOY_TARGET:-}"     # 网站文件放在哪里：用户@服务器:目录/ 或本机目录/，例如 deploy@10.1.2.3:/srv/www/sitegen/__PATH__
# ▲▲▲

__COMMON__

deploy() {
  need DEPLOY_TARGET "网站文件的目标目录，例如 deploy@10.1.2.3:/srv/www/sitegen/"
  need_tool rsync "rsync"
  case $DEPLOY_TARGET in
    */) ;;
    *) DEPLOY_TARGET="$DEPLOY_TARGET/" ;;
  esac
  case $DEPLOY_TARGET in
    *:*) ;;
    *) mkdir -p "$DEPLOY_TARGET" ;;
  esac
  build_site
  say "复制图片、样式、数据等文件"
  rsync -rlt --chmod=D755,F644 --exclude='*.html' --exclude='/pagefind/' "$OUT/" "$DEPLOY_TARGET"
  if [ -d "$OUT/pagefind" ]; then
    say "复制站内搜索的索引"
    rsync -rlt --chmod=D755,F644 "$OUT/pagefind/" "${DEPLOY_TARGET}pagefind/"
  fi
  say "复制页面，删除服务器上已不存在于网站中的文件"
  rsync -rlt --chmod=D755,F644 --delete-after --delay-updates "$OUT/" "$DEPLOY_TARGET"
  push_baidu
  refreshed
  say "已发布到 $DEPLOY_TARGET → $SITE_URL"
}

case "${1:-deploy}" in
  deploy) deploy ;;
  *) fail "不认识的参数“$1”：只有 deploy（默认）" ;;
esac
