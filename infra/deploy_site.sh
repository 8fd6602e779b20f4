#!/usr/bin/env bash
# The site's part of `make deploy` (infra/deploy.sh calls it): upload site/ to its bucket with the
# Cache-Control that chalicelib/core/web.site_cache_control names, drop what the site no longer
# has, and empty CloudFront's caches. Usage: infra/deploy_site.sh BUCKET DISTRIBUTION_ID REGION
#
# Pages, scripts and styles carry `no-cache`: browsers revalidate them on every load (S3 answers
# 304 from the ETag while unchanged), and the site's CloudFront cache policy (MinTTL 0) honours it,
# so a deploy never runs stale JS against the new API. Pictures and the favicon: a day.
# `cp --recursive` uploads every file every time (the site is small), so each object carries its
# metadata even when unchanged since a deploy that set none; `sync` would skip those.
# Filters: the last one that matches a path wins; `*` matches across folders.
set -euo pipefail
cd "$(dirname "$0")/.."
bucket=$1
distribution=$2
region=$3
target="s3://$bucket/"

# Pictures first, then scripts and styles, then the pages that name them.
aws s3 cp site/ "$target" --recursive --region "$region" --no-progress \
  --exclude '*.html' --exclude '*.js' --exclude '*.css' \
  --cache-control 'public, max-age=86400'
aws s3 cp site/ "$target" --recursive --region "$region" --no-progress \
  --exclude '*' --include '*.js' --include '*.css' --cache-control 'no-cache'
aws s3 cp site/ "$target" --recursive --region "$region" --no-progress \
  --exclude '*' --include '*.html' --cache-control 'no-cache'
# Only deletes: every file was just uploaded, so none differs in size.
aws s3 sync site/ "$target" --delete --size-only --region "$region" --no-progress
# Copies CloudFront kept of the previous deploy (the pictures' day) go at once.
aws cloudfront create-invalidation --distribution-id "$distribution" --paths '/*' >/dev/null
