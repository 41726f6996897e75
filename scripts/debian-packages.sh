# Sourced by scripts/setup.sh and bench/setup-peers.sh.
#
#   install_debian_packages TAG PACKAGE...
#
# Installs with apt-get those of the Debian packages that are missing (with
# sudo when not root; messages prefixed by TAG) and sets MISSING_PACKAGES to
# them (empty when all were installed already).
install_debian_packages() {
  local tag=$1 pkg
  shift
  MISSING_PACKAGES=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
        grep -q "install ok installed"; then
      MISSING_PACKAGES+=("$pkg")
    fi
  done
  ((${#MISSING_PACKAGES[@]})) || return 0
  echo "$tag: installing Debian packages: ${MISSING_PACKAGES[*]}" >&2
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "$tag: need root or sudo to install ${MISSING_PACKAGES[*]}" >&2
      exit 1
    }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${MISSING_PACKAGES[@]}"
}
