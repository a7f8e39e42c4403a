#!/usr/bin/env bash
# Builds, offline from Debian's archive, the two base images the containers profile needs where no registry is
# reachable, and loads them into podman:
#
#   docker.io/library/eclipse-temurin:17.0.15_6-jre-jammy  a stand-in under the name the Dockerfiles pin:
#                                                          Debian bookworm with openjdk-17-jre-headless
#   localhost/bookmarks/redis:bookworm                     Debian bookworm with redis-server (compose's
#                                                          REDIS_IMAGE)
#
# The stand-in carries the pinned name so that the Dockerfiles build unchanged with --pull=never; it is a JRE 17
# like the one it stands for, not that image. Where Docker Hub is reachable, pull the real ones instead.
# Needs root (or a user namespace), mmdebstrap and podman. Skips an image that is already loaded.
set -euo pipefail

JRE_IMAGE=docker.io/library/eclipse-temurin:17.0.15_6-jre-jammy
REDIS_IMAGE=localhost/bookmarks/redis:bookworm
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Debian's minimal rootfs has no man directories; openjdk's postinst registers a man page alternative and fails
# without them, so they are made before packages are configured. Documentation is left out to keep images small.
debootstrap_image() {
  local name=$1 packages=$2
  shift 2
  if podman image exists "$name"; then
    echo "$name: already loaded"
    return
  fi
  echo "$name: building a $SUITE rootfs with $packages"
  mmdebstrap --variant=apt --include="$packages" \
    --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$SUITE" "$work/rootfs.tar" "$MIRROR" > "$work/mmdebstrap.log" 2>&1 \
    || { tail -30 "$work/mmdebstrap.log" >&2; exit 1; }
  podman import --quiet "$@" "$work/rootfs.tar" "$name" > /dev/null
  rm -f "$work/rootfs.tar"
  echo "$name: loaded"
}

debootstrap_image "$JRE_IMAGE" openjdk-17-jre-headless,ca-certificates,passwd \
  --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  --change 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["jshell"]'

debootstrap_image "$REDIS_IMAGE" redis-server \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'WORKDIR /data' \
  --change 'EXPOSE 6379' \
  --change 'CMD ["redis-server"]'
