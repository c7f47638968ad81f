# Sourced by the run/test scripts: make .venv (installing python3-venv via apt if needed)
# and pip-install a requirements file, skipping pip when nothing changed since last time.
bootstrap() {
    local req="$1"
    if [ ! -x .venv/bin/python ]; then
        if ! python3 -m venv .venv 2>/dev/null; then
            rm -rf .venv
            echo "python3 -m venv failed; installing python3-venv with apt-get" >&2
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv .venv
        fi
    fi
    local stamp=".venv/.installed-$(basename "$req")"
    local sum
    sum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
        .venv/bin/python -m pip install -q --disable-pip-version-check -r "$req"
        echo "$sum" > "$stamp"
    fi
}

ensure_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        echo "installing Debian's chromium (chart images and browser tests need it)" >&2
        apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    fi
}
