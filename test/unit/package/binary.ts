// What an executable is and which CPU it is for, from its header: ELF (Linux), Mach-O (macOS) or
// PE (Windows). Enough to check that a platform package holds its own platform's binary.

export interface BinaryKind {
  format: 'elf' | 'macho' | 'pe' | 'unknown';
  /** 'x64', 'arm64', or the raw machine number in hex when it is neither. */
  cpu: string;
}

function cpuName(value: number, x64: number, arm64: number): string {
  if (value === x64) return 'x64';
  if (value === arm64) return 'arm64';
  return `0x${value.toString(16)}`;
}

export function binaryKind(b: Buffer): BinaryKind {
  if (b.length >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
    // e_machine; EI_DATA (byte 5) says the byte order: 1 little-endian.
    const machine = b[5] === 1 ? b.readUInt16LE(18) : b.readUInt16BE(18);
    return { format: 'elf', cpu: cpuName(machine, 0x3e, 0xb7) };
  }
  if (b.length >= 8 && b.readUInt32LE(0) === 0xfeedfacf) {
    // 64-bit Mach-O, little-endian: cputype CPU_TYPE_X86_64 or CPU_TYPE_ARM64.
    return { format: 'macho', cpu: cpuName(b.readUInt32LE(4), 0x01000007, 0x0100000c) };
  }
  if (b.length >= 0x40 && b.toString('latin1', 0, 2) === 'MZ') {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 <= b.length && b.readUInt32BE(pe) === 0x50450000)
      return { format: 'pe', cpu: cpuName(b.readUInt16LE(pe + 4), 0x8664, 0xaa64) };
  }
  return { format: 'unknown', cpu: 'unknown' };
}
