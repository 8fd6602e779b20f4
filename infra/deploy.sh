#!/usr/bin/env bash
# `make deploy`: uploads what `make package` built and deploys the prod stack with the AWS account
# the operator has configured (AWS CLI v2: a profile, SSO or environment keys), then the site.
# Settings come from infra/prod.env (copy infra/prod.env.example). Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
REGION=eu-west-3
STACK=caaartoons-prod
TEMPLATE=dist/package/sam.json
# WAF for CloudFront exists only in us-east-1: a small stack of its own there.
EDGE_REGION=us-east-1
EDGE_STACK=caaartoons-prod-edge
EDGE_TEMPLATE=dist/edge-template.json

command -v aws >/dev/null || { echo "make deploy needs the AWS CLI v2 (aws)" >&2; exit 1; }
for built in "$TEMPLATE" "$EDGE_TEMPLATE"; do
  [ -f "$built" ] || { echo "$built is missing: run make package" >&2; exit 1; }
done
[ -f infra/prod.env ] || {
  echo "infra/prod.env is missing: cp infra/prod.env.example infra/prod.env, then fill it in" >&2
  exit 1; }
set -a
# shellcheck disable=SC1091
. infra/prod.env
set +a
for name in DOMAIN_NAME CERTIFICATE_ARN MAIL_FROM OPERATOR_NAME OPERATOR_EMAIL; do
  [ -n "${!name:-}" ] || { echo "infra/prod.env: $name is empty" >&2; exit 1; }
done

account=$(aws sts get-caller-identity --query Account --output text)
echo "Deploying $STACK to account $account in $REGION"

# CloudFormation reads the code and the template from S3: a private bucket of our own.
artifacts="${ARTIFACTS_BUCKET:-$STACK-artifacts-$account}"
if ! aws s3api head-bucket --bucket "$artifacts" 2>/dev/null; then
  aws s3api create-bucket --bucket "$artifacts" --region "$REGION" \
    --create-bucket-configuration "LocationConstraint=$REGION" >/dev/null
  aws s3api put-public-access-block --bucket "$artifacts" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
fi

# CloudFront sends the first value of ORIGIN_SECRETS; the API accepts it and the previous one.
origin_secret=$(aws ssm get-parameter --region "$REGION" --with-decryption \
  --name /caaartoons/prod/ORIGIN_SECRETS --query Parameter.Value --output text | cut -d, -f1)
[ -n "$origin_secret" ] || { echo "ORIGIN_SECRETS is missing: run make secrets" >&2; exit 1; }

echo "Deploying $EDGE_STACK (WAF) in $EDGE_REGION"
aws cloudformation deploy --region "$EDGE_REGION" --stack-name "$EDGE_STACK" \
  --template-file "$EDGE_TEMPLATE" --no-fail-on-empty-changeset
web_acl=$(aws cloudformation describe-stacks --region "$EDGE_REGION" --stack-name "$EDGE_STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='WebAclArn'].OutputValue" --output text)

aws cloudformation package --region "$REGION" --template-file "$TEMPLATE" --use-json \
  --s3-bucket "$artifacts" --s3-prefix "$STACK" --output-template-file dist/packaged.json
aws cloudformation deploy --region "$REGION" --stack-name "$STACK" \
  --template-file dist/packaged.json --s3-bucket "$artifacts" --s3-prefix "$STACK" \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
  --parameter-overrides "DomainName=$DOMAIN_NAME" "CertificateArn=$CERTIFICATE_ARN" \
    "HostedZoneId=${HOSTED_ZONE_ID:-}" "MailFrom=$MAIL_FROM" "OperatorName=$OPERATOR_NAME" \
    "OperatorEmail=$OPERATOR_EMAIL" "AlarmEmail=${ALARM_EMAIL:-}" \
    "OriginSecret=$origin_secret" "WebAclArn=$web_acl"

output() {
  aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
if [ -d site ]; then
  infra/deploy_site.sh "$(output SiteBucketName)" "$(output DistributionId)" "$REGION"
fi
echo "Deployed: $(output SiteUrl) (CloudFront: $(output DistributionDomainName))"
