#!/usr/bin/env bash
# Makes the secrets docker-compose.yml reads, for one development or test deployment on this machine:
# .env (passwords, the internal secret, the ring-signing key pair, hashed operator passwords) and
# deploy/secrets/gateway.{crt,key} (a self-signed certificate for localhost and 127.0.0.1). Needs only openssl.
# Refuses to overwrite an existing .env: delete it first to rotate everything.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -e .env ]; then
  echo ".env exists; delete it (and deploy/secrets) to make new secrets" >&2
  exit 1
fi

random() { openssl rand -base64 "$1" | tr -d '\n'; }
hex() { openssl rand -hex "$1"; }

# Spring Security's {pbkdf2@SpringSecurity_v5_8}: PBKDF2-HMAC-SHA256, 310000 iterations, a 16-byte salt, a 32-byte
# hash, stored as hex(salt || hash). Made with openssl alone, so no Java or htpasswd is needed here.
pbkdf2() {
  local salt hash
  salt=$(hex 16)
  hash=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt "pass:$1" -kdfopt "hexsalt:$salt" \
    -kdfopt iter:310000 PBKDF2 | tr -d ':' | tr 'A-F' 'a-f')
  printf '{pbkdf2@SpringSecurity_v5_8}%s%s' "$salt" "$hash"
}

umask 077
mkdir -p deploy/secrets
# An existing directory keeps its mode through mkdir -p: only this host user may enter it.
chmod 0700 deploy/secrets
key=$(mktemp)
trap 'rm -f "$key"' EXIT
openssl genpkey -algorithm ed25519 -out "$key" 2>/dev/null
ring_private=$(openssl pkey -in "$key" -outform DER | base64 -w0)
ring_public=$(openssl pkey -in "$key" -pubout -outform DER | base64 -w0)

admin_password=$(hex 16)
alice_password=$(hex 8)
bob_password=$(hex 8)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout deploy/secrets/gateway.key -out deploy/secrets/gateway.crt 2>/dev/null
# Compose's file-based secrets are bind mounts that keep the host file's owner and mode (the long syntax's
# uid/gid/mode are not applied to them outside Swarm), and the gateway runs as uid 10001, not this file's owner:
# with 0600 it could not read its own key. So the files are readable by all, and the 0700 directory above is
# what keeps other users of this host away from them.
chmod 0644 deploy/secrets/gateway.crt deploy/secrets/gateway.key

cat > .env <<ENV
# Made by deploy/generate-env.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Secrets: never commit this file.
REDIS_PASSWORD=$(hex 24)
INTERNAL_SECRET=base64:$(random 32)
RING_SIGNING_PRIVATE_KEY=base64:$ring_private
RING_SIGNING_PUBLIC_KEY=base64:$ring_public
# The operator of every management port (registry: role ADMIN). Password: $admin_password
ADMIN_USER=admin
ADMIN_PASSWORD_HASH=$(pbkdf2 "$admin_password")
# The development issuer's users (the web app's sign-in).
ISSUER_ALICE_PASSWORD={noop}$alice_password
ISSUER_BOB_PASSWORD={noop}$bob_password
ENV
# Compose reads \$ in .env as interpolation only in double-quoted values; these values have none.
echo "Wrote .env and deploy/secrets/gateway.{crt,key}."
echo "Operator: admin / $admin_password   Web app users: alice / $alice_password, bob / $bob_password"
