#!/usr/bin/env bash
# Package the Chalice app with infra/resources.yaml and deploy it as one CloudFormation stack.
#
#   STAGE=prod infra/deploy.sh        (what `make deploy STAGE=prod` runs)
#
# Needs: AWS credentials (profile, SSO or environment), the AWS CLI, chalice (CHALICE=path/to/it).
# Optional environment:
#   AWS_REGION / AWS_DEFAULT_REGION  region (default eu-west-3, Paris)
#   STACK_NAME                       default relais-ase-$STAGE
#   ARTIFACT_BUCKET                  S3 bucket for the code zip (default relais-artifacts-ACCOUNT-REGION,
#                                    created private and encrypted if missing)
#   ALARM_EMAIL                      address subscribed to the alarm topic
#   SES_DOMAIN                       sending domain to create as an SES identity (DKIM, MAIL FROM)
#   EXTRA_PARAMETERS                 more Key=Value parameter overrides, space separated
# See docs/DEPLOY.md.
set -euo pipefail

STAGE="${STAGE:?set STAGE=dev or STAGE=prod}"
case "${STAGE}" in
  dev | prod) ;;
  *)
    echo "deploy.sh: STAGE must be dev or prod, not '${STAGE}'" >&2
    exit 2
    ;;
esac
if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
  echo "deploy.sh: AWS_ENDPOINT_URL is set (local endpoint); unset it to deploy to AWS" >&2
  exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-eu-west-3}}"
export AWS_REGION="${REGION}" AWS_DEFAULT_REGION="${REGION}"
CHALICE="${CHALICE:-chalice}"
STACK_NAME="${STACK_NAME:-relais-ase-${STAGE}}"
BUILD_DIR="build/${STAGE}"

ACCOUNT_ID="$(aws sts get-caller-identity --query Account --output text)"
ARTIFACT_BUCKET="${ARTIFACT_BUCKET:-relais-artifacts-${ACCOUNT_ID}-${REGION}}"
echo "==> stage ${STAGE}, stack ${STACK_NAME}, account ${ACCOUNT_ID}, region ${REGION}"

echo "==> chalice package"
# app.py names the SES events topic from the stage when Chalice imports it.
export RELAIS_STAGE="${STAGE}"
rm -rf "${BUILD_DIR}"
"${CHALICE}" package --stage "${STAGE}" --merge-template infra/resources.yaml "${BUILD_DIR}"
TEMPLATE="${BUILD_DIR}/sam.yaml"
if [[ ! -f "${TEMPLATE}" ]]; then
  TEMPLATE="${BUILD_DIR}/sam.json"
fi

if ! aws s3api head-bucket --bucket "${ARTIFACT_BUCKET}" >/dev/null 2>&1; then
  echo "==> creating artifact bucket ${ARTIFACT_BUCKET}"
  if [[ "${REGION}" == "us-east-1" ]]; then
    aws s3api create-bucket --bucket "${ARTIFACT_BUCKET}" >/dev/null
  else
    aws s3api create-bucket --bucket "${ARTIFACT_BUCKET}" \
      --create-bucket-configuration "LocationConstraint=${REGION}" >/dev/null
  fi
  aws s3api put-public-access-block --bucket "${ARTIFACT_BUCKET}" \
    --public-access-block-configuration \
    "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
  aws s3api put-bucket-encryption --bucket "${ARTIFACT_BUCKET}" \
    --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
fi

echo "==> cloudformation package"
aws cloudformation package \
  --template-file "${TEMPLATE}" \
  --s3-bucket "${ARTIFACT_BUCKET}" \
  --s3-prefix "relais-ase/${STAGE}" \
  --output-template-file "${BUILD_DIR}/packaged.yaml"

PARAMETERS=("Stage=${STAGE}")
if [[ -n "${ALARM_EMAIL:-}" ]]; then
  PARAMETERS+=("AlarmEmail=${ALARM_EMAIL}")
fi
if [[ -n "${SES_DOMAIN:-}" ]]; then
  PARAMETERS+=("SesDomain=${SES_DOMAIN}")
fi
if [[ -n "${EXTRA_PARAMETERS:-}" ]]; then
  read -r -a EXTRA <<<"${EXTRA_PARAMETERS}"
  PARAMETERS+=("${EXTRA[@]}")
fi

echo "==> cloudformation deploy"
aws cloudformation deploy \
  --template-file "${BUILD_DIR}/packaged.yaml" \
  --stack-name "${STACK_NAME}" \
  --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
  --parameter-overrides "${PARAMETERS[@]}" \
  --tags "app=relais-ase" "stage=${STAGE}" \
  --no-fail-on-empty-changeset

echo "==> outputs"
aws cloudformation describe-stacks \
  --stack-name "${STACK_NAME}" \
  --query "Stacks[0].Outputs[].[OutputKey,OutputValue]" \
  --output table
