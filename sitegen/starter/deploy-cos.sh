#!/bin/sh
# sitegen：构建网站并发布到腾讯云 COS，刷新腾讯云 CDN 或 EdgeOne（由 sitegen 生成）
#
#   sh deploy/cos.sh            构建，按顺序上传（图片等 → 搜索索引 → 页面），删除多余的文件，刷新 CDN
#   sh deploy/cos.sh tools      把 coscli 下载到 .sitegen-deploy/bin/，用 pip 安装 tccli
#   sh deploy/cos.sh policy     打印发布用的子用户应有的最小权限策略（按下面的设置）
#
# 存储桶的静态网站（索引文档 index.html、错误文档 404.html）在 COS 控制台设置一次，见 sitegen 的
# 《维护指南》“发布到腾讯云 COS”。密钥只从环境变量（CI 密钥）读取，不要写进本文件：
#   TENCENTCLOUD_SECRET_ID、TENCENTCLOUD_SECRET_KEY  子用户的 API 密钥（权限见 sh deploy/cos.sh policy）
#   BAIDU_TOKEN（可选）                              百度普通收录的推送令牌
set -eu

# ▼▼▼ 设置：可以直接改这里，也可以用同名的 CI 变量覆盖 ▼▼▼
SITE_URL="${SITE_URL:-__BASE_URL__}"   # 网站的完整网址（域名须已备案），可带子路径
COS_BUCKET="${COS_BUCKET:-}"           # 存储桶名称（带 APPID），例如 volunteer-1250000000
COS_REGION="${COS_REGION:-}"           # 存储桶所在地域，例如 ap-guangzhou
CDN="${CDN:-tencent}"                  # tencent：刷新腾讯云 CDN；edgeone：刷新 EdgeOne；none：没有用 CDN
TEO_ZONE_ID="${TEO_ZONE_ID:-}"         # CDN=edgeone 时：EdgeOne 站点 ID，例如 zone-2o0xxxxxxx
# ▲▲▲

__COMMON__

cos_env() {
  need COS_BUCKET "存储桶名称，带 APPID"
  need COS_REGION "存储桶所在地域，例如 ap-guangzhou"
  need TENCENTCLOUD_SECRET_ID "子用户的 SecretId"
  need TENCENTCLOUD_SECRET_KEY "子用户的 SecretKey"
  need_tool coscli "腾讯云 COS 命令行工具 COSCLI"
  TENCENTCLOUD_REGION="${TENCENTCLOUD_REGION:-$COS_REGION}"
  export TENCENTCLOUD_SECRET_ID TENCENTCLOUD_SECRET_KEY TENCENTCLOUD_REGION
}

# coscli 不读环境变量里的密钥：用通用选项给出，--init-skip 跳过交互式的配置向导
cos() {
  coscli "$@" --init-skip=true -i "$TENCENTCLOUD_SECRET_ID" -k "$TENCENTCLOUD_SECRET_KEY" -e "cos.$COS_REGION.myqcloud.com"
}

# upload 组 缓存头：同步一组文件（只传内容不同的），并设置 Cache-Control
upload() {
  has_files "$WORK/stage/$1" || return 0
  say "上传 $1（Cache-Control: $2）"
  cos sync "$WORK/stage/$1/" "cos://$COS_BUCKET/" --recursive --meta "Cache-Control:$2"
}

deploy() {
  cos_env
  case $CDN in
    tencent) need_tool tccli "腾讯云命令行工具，用于刷新 CDN" ;;
    edgeone) need_tool tccli "腾讯云命令行工具，用于刷新 EdgeOne"; need TEO_ZONE_ID "EdgeOne 站点 ID" ;;
    none) ;;
    *) fail "CDN 只能是 tencent、edgeone 或 none，现在是“$CDN”" ;;
  esac
  build_site
  stage_groups
  upload immutable "public, max-age=31536000, immutable"
  upload assets "no-cache"
  upload search "no-cache"
  upload html "no-cache"
  say "删除 COS 上已不存在于网站中的文件"
  cos sync "$OUT/" "cos://$COS_BUCKET/$(site_path)" --recursive --delete --ignore-existing --force
  push_baidu
  refresh_cdn
  say "已发布到 cos://$COS_BUCKET/$(site_path) → $SITE_URL"
}

# json_list 文件：把每行一个网址变成 JSON 数组 ["…","…"]（网址已经过百分号编码，不含引号）
json_list() {
  printf '[%s]' "$(sed 's/.*/"&"/' "$1" | paste -sd, -)"
}

refresh_cdn() {
  if [ "$CDN" = none ]; then refreshed; return 0; fi
  count=$(grep -c . "$WORK/pending.txt" || true)
  if [ "$count" -eq 0 ]; then
    say "没有改动的网址，不刷新 CDN"
  elif [ "$count" -gt "$CDN_MAX_URLS" ]; then
    say "改动的网址有 $count 个，刷新整个目录 $SITE_URL"
    if [ "$CDN" = edgeone ]; then
      tccli teo CreatePurgeTask --ZoneId "$TEO_ZONE_ID" --Type purge_prefix --Targets "[\"$SITE_URL\"]"
    else
      tccli cdn PurgePathCache --Paths "[\"$SITE_URL\"]" --FlushType flush
    fi
  else
    say "刷新 CDN 上改动的 $count 个网址"
    for part in $(split_urls 500); do
      if [ "$CDN" = edgeone ]; then
        tccli teo CreatePurgeTask --ZoneId "$TEO_ZONE_ID" --Type purge_url --Targets "$(json_list "$part")"
      else
        tccli cdn PurgeUrlsCache --Urls "$(json_list "$part")"
      fi
    done
  fi
  refreshed
}

tools() {
  mkdir -p "$WORK/bin"
  if ! command -v coscli >/dev/null 2>&1; then
    curl -fsSL -o "$WORK/bin/coscli" "https://cosbrowser.cloud.tencent.com/software/coscli/coscli-linux-amd64"
    chmod 755 "$WORK/bin/coscli"
  fi
  if [ "$CDN" != none ] && ! command -v tccli >/dev/null 2>&1; then
    python3 -m pip install -q tccli
  fi
  say "工具已就绪：$(command -v coscli)"
}

# 最小权限：只能列出、读写、删除本存储桶（网站路径下）的文件，刷新 CDN 或 EdgeOne
policy() {
  need COS_BUCKET "存储桶名称，带 APPID"
  need COS_REGION "存储桶所在地域，例如 ap-guangzhou"
  prefix=$(site_path)
  appid=${COS_BUCKET##*-}
  cat <<EOF
{
  "version": "2.0",
  "statement": [
    {
      "effect": "allow",
      "action": ["name/cos:HeadBucket", "name/cos:GetBucket"],
      "resource": ["qcs::cos:$COS_REGION:uid/$appid:$COS_BUCKET/*"]
    },
    {
      "effect": "allow",
      "action": [
        "name/cos:HeadObject", "name/cos:GetObject", "name/cos:PutObject", "name/cos:DeleteObject",
        "name/cos:InitiateMultipartUpload", "name/cos:UploadPart", "name/cos:CompleteMultipartUpload",
        "name/cos:AbortMultipartUpload", "name/cos:ListMultipartUploads", "name/cos:ListParts"
      ],
      "resource": ["qcs::cos:$COS_REGION:uid/$appid:$COS_BUCKET/${prefix}*"]
    },
    {
      "effect": "allow",
      "action": ["name/cdn:PurgeUrlsCache", "name/cdn:PurgePathCache", "name/teo:CreatePurgeTask"],
      "resource": ["*"]
    }
  ]
}
EOF
}

case "${1:-deploy}" in
  deploy) deploy ;;
  tools) tools ;;
  policy) policy ;;
  *) fail "不认识的参数“$1”：可用 deploy（默认）、tools、policy" ;;
esac
