#!/usr/bin/env bash
# Writes .env from .env.example: every variable with its default, and every variable marked
# `# [secret:KIND]` with a freshly generated value. Idempotent: values already in the target
# file are kept (so re-running never rotates a password under a running stack), variables new
# in .env.example are added. The file is created with mode 600.
#
#   ops/scripts/init-env.sh [--output FILE] [--example FILE]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/functions.sh"

output="${ONERING_ROOT}/.env"
example="${ONERING_ROOT}/.env.example"
while (($#)); do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --example) example="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (use --output FILE, --example FILE)" ;;
  esac
done
[[ -f "$example" ]] || die "$example not found"

random_bytes() { head -c "$1" /dev/urandom; }
# 24 URL-safe characters: no quoting problems in URLs, shells or YAML.
gen_password() { random_bytes 48 | base64 -w0 | tr -dc 'A-Za-z0-9' | cut -c1-24; }
gen_fernet()   { random_bytes 32 | base64 | tr '+/' '-_' | tr -d '\n'; }
gen_hex32()    { random_bytes 16 | od -An -tx1 | tr -d ' \n'; }
gen_base64()   { random_bytes 32 | base64 | tr -d '\n'; }

generate() {
  case "$1" in
    password) gen_password ;;
    fernet) gen_fernet ;;
    hex32) gen_hex32 ;;
    base64) gen_base64 ;;
    *) die "unknown secret kind '$1' in $example" ;;
  esac
}

declare -A existing=()
if [[ -f "$output" ]]; then
  while IFS= read -r line || [[ -n "$line" ]]; do
    [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] || continue
    existing["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
  done <"$output"
fi

tmp="$(mktemp "${output}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
chmod 600 "$tmp"
{
  echo "# Written by ops/scripts/init-env.sh from .env.example. Local secrets: never commit this file."
  kind=""
  generated=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^#\ \[secret:([a-z0-9]+)\]$ ]]; then
      kind="${BASH_REMATCH[1]}"
      echo "$line"
      continue
    fi
    if [[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      key="${BASH_REMATCH[1]}"
      value="${BASH_REMATCH[2]}"
      if [[ -n "${existing[$key]+set}" && ( -n "${existing[$key]}" || -z "$kind" ) ]]; then
        value="${existing[$key]}"
      elif [[ -n "$kind" ]]; then
        value="$(generate "$kind")"
        generated=$((generated + 1))
      fi
      echo "${key}=${value}"
      kind=""
      continue
    fi
    kind=""
    echo "$line"
  done <"$example"
  echo "# ${generated} secret(s) generated on $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&3
} >"$tmp" 3>&2
mv "$tmp" "$output"
trap - EXIT
ok "wrote $output (mode 600)"
