# Sourced by scripts/run and scripts/test: find uv, installing it if it is missing, and
# run it as "${UV[@]}".
#
# A uv that is on PATH counts only if it runs: a pyenv shim left by another Python
# version answers "pyenv: uv: command not found". A uv installed just now with pip is
# called as "python3 -m uv", which finds the module pip wrote, whatever manages Python
# (a pyenv shim appears only after 'pyenv rehash'; ~/.local/bin may not be on PATH).

find_uv() {
    if uv --version >/dev/null 2>&1; then
        UV=(uv)
        return
    fi
    if ! python3 -m uv --version >/dev/null 2>&1; then
        echo "== installing uv (Python package manager) with pip" >&2
        local pip=(python3 -m pip install --quiet --disable-pip-version-check)
        # A Python that its distribution manages (PEP 668) refuses a plain install:
        # then uv goes to the user's site-packages, which that refusal leaves open.
        "${pip[@]}" uv 2>/dev/null || "${pip[@]}" --user --break-system-packages uv
    fi
    UV=(python3 -m uv)
}
