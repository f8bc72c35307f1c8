# lib.sh holds the shell functions run.sh and instr.sh share; they source it.

# anchored turns a benchmark name into the -test.bench pattern matching it alone: each
# /-separated element quoted and anchored.
anchored() {
	local IFS=/ out=() part
	read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		out+=("^$(printf '%s' "$part" | sed 's/[][\\.*^$+?(){}|]/\\&/g')\$")
	done
	printf '%s' "${out[*]}"
}
