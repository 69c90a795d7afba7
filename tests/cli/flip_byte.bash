# flip_byte.bash - sourced by the CLI tests that damage a file on purpose.
#
# flip_byte FILE OFFSET: inverts every bit of one byte, so the file surely
# changes (writing a fixed byte leaves it as it was when the byte already is
# that value: once in 256 runs where the bytes follow a random key).
flip_byte() {
    python3 -c 'import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2])); b = f.read(1); f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xFF]))' "$1" "$2"
}
