#!/usr/bin/env bash
# `make deploy`: uploads what `make package` built and deploys the prod stack with the AWS account
# the operator has configured (AWS CLI v2: a profile, SSO or environment keys), then the site.
# Settings come from infra/prod.env (copy infra/prod.env.example). Never run in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
REGION=eu-west-3
STACK=caaartoons-prod
TEMPLATE=dist/package/sam.json

command -v aws >/dev/null || { echo "make deploy needs the AWS CLI v2 (aws)" >&2; exit 1; }
[ -f "$TEMPLATE" ] || { echo "$TEMPLATE is missing: run make package" >&2; exit 1; }
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

aws cloudformation package --region "$REGION" --template-file "$TEMPLATE" --use-json \
  --s3-bucket "$artifacts" --s3-prefix "$STACK" --output-template-file dist/packaged.json
aws cloudformation deploy --region "$REGION" --stack-name "$STACK" \
  --template-file dist/packaged.json --s3-bucket "$artifacts" --s3-prefix "$STACK" \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
  --parameter-overrides "DomainName=$DOMAIN_NAME" "CertificateArn=$CERTIFICATE_ARN" \
    "HostedZoneId=${HOSTED_ZONE_ID:-}" "MailFrom=$MAIL_FROM" "OperatorName=$OPERATOR_NAME" \
    "OperatorEmail=$OPERATOR_EMAIL" "AlarmEmail=${ALARM_EMAIL:-}"

output() {
  aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
if [ -d site ]; then
  aws s3 sync site/ "s3://$(output SiteBucketName)/" --delete --region "$REGION"
  aws cloudfront create-invalidation --distribution-id "$(output DistributionId)" \
    --paths '/*' >/dev/null
fi
echo "Deployed: $(output SiteUrl) (CloudFront: $(output DistributionDomainName))"
