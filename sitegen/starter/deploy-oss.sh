#!/bin/sh
# sitegen：构建网站并发布到阿里云 OSS，刷新阿里云 CDN（由 sitegen 生成）
#
#   sh deploy/oss.sh            构建，按顺序上传（图片等 → 搜索索引 → 页面），删除多余的文件，刷新 CDN
#   sh deploy/oss.sh website    一次性：把 Bucket 设为静态网站（默认首页 index.html，404 页面 404.html）
#   sh deploy/oss.sh tools      把 ossutil 和 aliyun 命令行工具下载到 .sitegen-deploy/bin/
#   sh deploy/oss.sh policy     打印发布用的 RAM 用户应有的最小权限策略（按下面的设置）
#
# 说明见 sitegen 的《维护指南》“发布到阿里云 OSS”。密钥只从环境变量（CI 密钥）读取，不要写进本文件：
#   ALIBABA_CLOUD_ACCESS_KEY_ID、ALIBABA_CLOUD_ACCESS_KEY_SECRET  RAM 用户的 AccessKey（权限见 sh deploy/oss.sh policy）
#   BAIDU_TOKEN（可选）                                          百度普通收录的推送令牌
set -eu

# ▼▼▼ 设置：可以直接改这里，也可以用同名的 CI 变量覆盖 ▼▼▼
SITE_URL="${SITE_URL:-__BASE_URL__}"   # 网站的完整网址（域名须已备案），可带子路径
OSS_BUCKET="${OSS_BUCKET:-}"           # Bucket 名称，例如 volunteer-site
OSS_REGION="${OSS_REGION:-}"           # Bucket 所在地域，例如 cn-hangzhou
CDN="${CDN:-aliyun}"                   # aliyun：刷新阿里云 CDN；none：没有用 CDN
# ▲▲▲

__COMMON__

OSSUTIL_VERSION="${OSSUTIL_VERSION:-2.2.2}"

oss_env() {
  need OSS_BUCKET "Bucket 名称"
  need OSS_REGION "Bucket 所在地域，例如 cn-hangzhou"
  need ALIBABA_CLOUD_ACCESS_KEY_ID "RAM 用户的 AccessKey ID"
  need ALIBABA_CLOUD_ACCESS_KEY_SECRET "RAM 用户的 AccessKey Secret"
  need_tool ossutil "阿里云 OSS 命令行工具 ossutil 2.x"
  OSS_ACCESS_KEY_ID="$ALIBABA_CLOUD_ACCESS_KEY_ID"
  OSS_ACCESS_KEY_SECRET="$ALIBABA_CLOUD_ACCESS_KEY_SECRET"
  ALIBABA_CLOUD_REGION_ID="${ALIBABA_CLOUD_REGION_ID:-$OSS_REGION}"
  ALIBABA_CLOUD_IGNORE_PROFILE=TRUE
  export OSS_ACCESS_KEY_ID OSS_ACCESS_KEY_SECRET ALIBABA_CLOUD_REGION_ID ALIBABA_CLOUD_IGNORE_PROFILE
}

# upload 组 缓存头：上传一组文件（只传比 OSS 上新的），并设置 Cache-Control
upload() {
  has_files "$WORK/stage/$1" || return 0
  say "上传 $1（Cache-Control: $2）"
  ossutil cp "$WORK/stage/$1/" "oss://$OSS_BUCKET/" --recursive --update --force \
    --cache-control "$2" --region "$OSS_REGION"
}

deploy() {
  oss_env
  if [ "$CDN" = aliyun ]; then need_tool aliyun "阿里云命令行工具，用于刷新 CDN"; fi
  build_site
  stage_groups
  upload immutable "public, max-age=31536000, immutable"
  upload assets "no-cache"
  upload search "no-cache"
  upload html "no-cache"
  say "删除 OSS 上已不存在于网站中的文件"
  ossutil sync "$OUT/" "oss://$OSS_BUCKET/$(site_path)" --delete --ignore-existing --force --region "$OSS_REGION"
  push_baidu
  refresh_cdn
  say "已发布到 oss://$OSS_BUCKET/$(site_path) → $SITE_URL"
}

refresh_cdn() {
  if [ "$CDN" != aliyun ]; then refreshed; return 0; fi
  count=$(grep -c . "$WORK/pending.txt" || true)
  if [ "$count" -eq 0 ]; then
    say "没有改动的网址，不刷新 CDN"
  elif [ "$count" -gt "$CDN_MAX_URLS" ]; then
    say "改动的网址有 $count 个，刷新整个目录 $SITE_URL"
    aliyun cdn RefreshObjectCaches --ObjectType Directory --ObjectPath "$SITE_URL"
  else
    say "刷新 CDN 上改动的 $count 个网址"
    for part in $(split_urls 1000); do
      aliyun cdn RefreshObjectCaches --ObjectType File --ObjectPath "$(cat "$part")"
    done
  fi
  refreshed
}

website() {
  oss_env
  prefix=$(site_path)
  mkdir -p "$WORK"
  cat >"$WORK/website.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<WebsiteConfiguration>
  <IndexDocument>
    <Suffix>index.html</Suffix>
    <SupportSubDir>true</SupportSubDir>
    <Type>0</Type>
  </IndexDocument>
  <ErrorDocument>
    <Key>${prefix}404.html</Key>
    <HttpStatus>404</HttpStatus>
  </ErrorDocument>
</WebsiteConfiguration>
EOF
  ossutil api put-bucket-website --bucket "$OSS_BUCKET" --website-configuration "file://$WORK/website.xml" --region "$OSS_REGION"
  say "已设置 $OSS_BUCKET 的静态网站：默认首页 index.html（子目录也生效），404 页面 ${prefix}404.html"
}

tools() {
  mkdir -p "$WORK/bin" "$WORK/download"
  if ! command -v ossutil >/dev/null 2>&1; then
    name="ossutil-$OSSUTIL_VERSION-linux-amd64"
    curl -fsSL -o "$WORK/download/ossutil.zip" "https://gosspublic.alicdn.com/ossutil/v2/$OSSUTIL_VERSION/$name.zip"
    python3 -m zipfile -e "$WORK/download/ossutil.zip" "$WORK/download"
    cp "$WORK/download/$name/ossutil" "$WORK/bin/ossutil"
    chmod 755 "$WORK/bin/ossutil"
  fi
  if [ "$CDN" = aliyun ] && ! command -v aliyun >/dev/null 2>&1; then
    curl -fsSL -o "$WORK/download/aliyun.tgz" "https://aliyuncli.alicdn.com/aliyun-cli-linux-latest-amd64.tgz"
    tar -xzf "$WORK/download/aliyun.tgz" -C "$WORK/bin" aliyun
    chmod 755 "$WORK/bin/aliyun"
  fi
  say "工具已就绪：$(command -v ossutil) $(command -v aliyun || true)"
}

# 最小权限：只能列出、读写、删除本 Bucket（网站路径下）的文件，设置它的静态网站，刷新 CDN
policy() {
  need OSS_BUCKET "Bucket 名称"
  prefix=$(site_path)
  cat <<EOF
{
  "Version": "1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["oss:ListObjects", "oss:GetBucketInfo", "oss:PutBucketWebsite", "oss:GetBucketWebsite"],
      "Resource": ["acs:oss:*:*:$OSS_BUCKET"]
    },
    {
      "Effect": "Allow",
      "Action": ["oss:PutObject", "oss:GetObject", "oss:DeleteObject", "oss:AbortMultipartUpload", "oss:ListParts"],
      "Resource": ["acs:oss:*:*:$OSS_BUCKET/${prefix}*"]
    },
    {
      "Effect": "Allow",
      "Action": ["cdn:RefreshObjectCaches", "cdn:DescribeRefreshTasks"],
      "Resource": ["*"]
    }
  ]
}
EOF
}

case "${1:-deploy}" in
  deploy) deploy ;;
  website) website ;;
  tools) tools ;;
  policy) policy ;;
  *) fail "不认识的参数“$1”：可用 deploy（默认）、website、tools、policy" ;;
esac
