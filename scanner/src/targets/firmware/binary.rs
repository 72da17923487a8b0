//! Binary hardening facts (target `binary`), checksec-style, read with goblin.
//!
//! One typed struct per format. Every field says how it is detected, so a reader can
//! check a surprising value against `readelf -lWd` / `objdump -p` output. goblin has had
//! fuzz-found panics; the caller ([`super::extract`]) runs every parse inside
//! `catch_unwind` and caps the input size ([`MAX_BINARY_SIZE`]).

use goblin::elf::Elf;
use goblin::elf::dynamic::{DF_1_NOW, DF_1_PIE, DF_BIND_NOW};
use goblin::elf::header::{ET_DYN, ET_EXEC, ET_REL, machine_to_str};
use goblin::elf::program_header::{PF_W, PF_X, PT_GNU_RELRO, PT_GNU_STACK, PT_LOAD};
use serde::Serialize;
use std::collections::BTreeSet;

/// Binaries larger than this are not parsed (a notification says so).
pub const MAX_BINARY_SIZE: usize = 256 * 1024 * 1024;

/// Facts of one executable or library.
#[derive(Debug, Clone, Serialize)]
pub struct BinaryFact {
    /// `elf`, `pe` or `macho`.
    pub format: &'static str,
    /// ELF facts (absent for other formats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elf: Option<ElfFact>,
    /// PE facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pe: Option<PeFact>,
    /// Mach-O facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub macho: Option<MachOFact>,
}

/// Position independence (`-fPIE -pie`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pie {
    /// `e_type == ET_EXEC`: loaded at a fixed address.
    None,
    /// `e_type == ET_DYN` with a `PT_INTERP` program interpreter or `DF_1_PIE` in `DT_FLAGS_1`.
    Pie,
    /// `e_type == ET_DYN` without interpreter nor `DF_1_PIE`: a shared library.
    Dso,
    /// `e_type == ET_REL`: a relocatable object (kernel module, `.o`).
    Rel,
}

/// Read-only relocations (`-Wl,-z,relro[,-z,now]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relro {
    /// No `PT_GNU_RELRO` program header.
    None,
    /// `PT_GNU_RELRO` present but lazy binding (no `DF_BIND_NOW` / `DF_1_NOW`): the GOT
    /// stays writable.
    Partial,
    /// `PT_GNU_RELRO` plus `DF_BIND_NOW` in `DT_FLAGS` or `DF_1_NOW` in `DT_FLAGS_1`.
    Full,
}

/// `_FORTIFY_SOURCE` (`-D_FORTIFY_SOURCE=2 -O2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fortify {
    /// Only `__*_chk` variants are used.
    Full,
    /// Both `__*_chk` variants and unchecked fortifiable calls are used.
    Partial,
    /// Fortifiable libc calls are used, none in their `__*_chk` variant.
    None,
    /// No fortifiable call is referenced (or the binary is static and stripped).
    Undecidable,
}

/// ELF hardening facts.
#[derive(Debug, Clone, Serialize)]
pub struct ElfFact {
    /// Machine name from `e_machine` (`X86_64`, `ARM`, `AARCH64`, `MIPS`...).
    pub arch: String,
    /// 32 or 64, from `EI_CLASS`.
    pub bits: u8,
    /// `little` or `big`, from `EI_DATA`.
    pub endianness: &'static str,
    /// `exec`, `dyn` or `rel`, from `e_type`.
    #[serde(rename = "type")]
    pub elf_type: &'static str,
    /// Non-executable stack: a `PT_GNU_STACK` header exists and lacks `PF_X`. Without
    /// `PT_GNU_STACK` most Linux kernels map the stack executable, so this is false.
    /// A relocatable object (`rel`: `.o`, kernel module) has no program headers: there
    /// it is the `.note.GNU-stack` section without `SHF_EXECINSTR`, which the linker
    /// turns into a non-executable `PT_GNU_STACK`.
    pub nx: bool,
    /// A `PT_GNU_STACK` header exists.
    pub gnu_stack: bool,
    /// Position independence (see [`Pie`]).
    pub pie: Pie,
    /// Read-only relocations (see [`Relro`]).
    pub relro: Relro,
    /// Stack protector: a symbol named `__stack_chk_fail`, `__stack_chk_guard` or
    /// `__intel_security_cookie` in `.dynsym` or `.symtab`.
    pub canary: bool,
    /// `_FORTIFY_SOURCE` (see [`Fortify`]).
    pub fortify: Fortify,
    /// Number of distinct `__*_chk` functions referenced.
    pub fortified: usize,
    /// Number of distinct fortifiable libc functions referenced unchecked.
    pub fortifiable: usize,
    /// `DT_RPATH` entries (colon-separated lists split).
    pub rpath: Vec<String>,
    /// `DT_RUNPATH` entries.
    pub runpath: Vec<String>,
    /// An RPATH/RUNPATH entry is relative (neither `/...` nor `$ORIGIN...`, including the
    /// empty entry, which means the current directory) or in a world-writable directory
    /// (`/tmp`, `/var/tmp`, `/dev/shm`).
    pub rpath_insecure: bool,
    /// No `.symtab` section (`strip` removes it; `.dynsym` stays).
    pub stripped: bool,
    /// Neither `PT_INTERP` nor `PT_DYNAMIC`: linked statically.
    pub static_linked: bool,
    /// The `PT_INTERP` program interpreter (`/lib/ld-linux.so.3`, ...), empty if none.
    pub interpreter: String,
    /// `DT_NEEDED` libraries.
    pub needed: Vec<String>,
    /// Intel CET indirect branch tracking: `GNU_PROPERTY_X86_FEATURE_1_IBT` in the
    /// `NT_GNU_PROPERTY_TYPE_0` note (`-fcf-protection`).
    pub cet_ibt: bool,
    /// Intel CET shadow stack: `GNU_PROPERTY_X86_FEATURE_1_SHSTK` in the same note.
    pub cet_shstk: bool,
    /// ARM branch target identification: `GNU_PROPERTY_AARCH64_FEATURE_1_BTI`
    /// (`-mbranch-protection=standard`).
    pub arm_bti: bool,
    /// ARM pointer authentication: `GNU_PROPERTY_AARCH64_FEATURE_1_PAC`.
    pub arm_pac: bool,
    /// A `PT_LOAD` segment has both `PF_W` and `PF_X`.
    pub wx_segment: bool,
    /// Imports (undefined dynamic symbols) of networking calls (`socket`, `bind`, `listen`,
    /// `accept`, `recv*`): the binary talks to the network.
    pub network: bool,
    /// Imported libc calls that are unsafe by design: `gets`, `strcpy`, `strcat`,
    /// `sprintf`, `vsprintf`, `system`, `popen`, sorted.
    pub unsafe_calls: Vec<String>,
}

/// PE hardening facts (from `IMAGE_OPTIONAL_HEADER.DllCharacteristics` unless noted).
#[derive(Debug, Clone, Serialize)]
pub struct PeFact {
    /// Machine from the COFF header (`x86`, `x86_64`, `arm`, `arm64`, or the hex code).
    pub arch: String,
    /// 32 or 64 (PE32 or PE32+).
    pub bits: u8,
    /// ASLR: `IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE` (0x0040).
    pub dynamic_base: bool,
    /// 64-bit ASLR: `IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA` (0x0020).
    pub high_entropy_va: bool,
    /// DEP: `IMAGE_DLLCHARACTERISTICS_NX_COMPAT` (0x0100).
    pub nx_compat: bool,
    /// Control Flow Guard: `IMAGE_DLLCHARACTERISTICS_GUARD_CF` (0x4000).
    pub guard_cf: bool,
    /// Signature checked at load: `IMAGE_DLLCHARACTERISTICS_FORCE_INTEGRITY` (0x0080).
    pub force_integrity: bool,
    /// `IMAGE_DLLCHARACTERISTICS_NO_SEH` (0x0400): no structured exception handler at
    /// all, which is safe. Only meaningful on 32-bit x86, where SafeSEH tables matter.
    pub no_seh: bool,
    /// An Authenticode signature is present: a `WIN_CERT_TYPE_PKCS_SIGNED_DATA` entry in
    /// the certificate table (the signature is not verified).
    pub signed: bool,
}

/// Mach-O hardening facts (from `mach_header.flags` unless noted).
#[derive(Debug, Clone, Serialize)]
pub struct MachOFact {
    /// CPU type name.
    pub arch: String,
    /// `MH_PIE` (0x200000).
    pub pie: bool,
    /// `MH_NO_HEAP_EXECUTION` (0x1000000).
    pub no_heap_execution: bool,
    /// `MH_ALLOW_STACK_EXECUTION` (0x20000) is absent.
    pub nx_stack: bool,
    /// An `LC_CODE_SIGNATURE` load command is present (not verified).
    pub signed: bool,
}

/// libc functions that `_FORTIFY_SOURCE` replaces by a `__<name>_chk` variant.
const FORTIFIABLE: &[&str] = &[
    "memcpy",
    "memmove",
    "mempcpy",
    "memset",
    "strcpy",
    "stpcpy",
    "strncpy",
    "stpncpy",
    "strcat",
    "strncat",
    "sprintf",
    "vsprintf",
    "snprintf",
    "vsnprintf",
    "printf",
    "vprintf",
    "fprintf",
    "vfprintf",
    "dprintf",
    "gets",
    "fgets",
    "read",
    "pread",
    "recv",
    "recvfrom",
    "readlink",
    "getcwd",
    "realpath",
    "wcscpy",
    "wmemcpy",
    "poll",
    "ppoll",
    "syslog",
    "vsyslog",
    "confstr",
    "getgroups",
    "ttyname_r",
    "getlogin_r",
    "gethostname",
    "getdomainname",
    "fread",
    "asprintf",
    "vasprintf",
    "obstack_printf",
];

const UNSAFE: &[&str] = &[
    "gets", "strcpy", "strcat", "sprintf", "vsprintf", "system", "popen",
];

const NETWORK: &[&str] = &[
    "socket", "bind", "listen", "accept", "accept4", "recv", "recvfrom", "recvmsg",
];

const NT_GNU_PROPERTY_TYPE_0: u32 = 5;
const GNU_PROPERTY_X86_FEATURE_1_AND: u32 = 0xc000_0002;
const GNU_PROPERTY_AARCH64_FEATURE_1_AND: u32 = 0xc000_0000;

fn split_paths(list: &[&str]) -> Vec<String> {
    list.iter()
        .flat_map(|l| l.split(':'))
        .map(str::to_string)
        .collect()
}

fn insecure_dir(d: &str) -> bool {
    let relative = !(d.starts_with('/') || d.starts_with("$ORIGIN") || d.starts_with("${ORIGIN}"));
    let writable = ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .any(|w| d == *w || d.starts_with(&format!("{w}/")));
    relative || writable
}

/// Reads the GNU property note for CET/BTI/PAC bits: (ibt, shstk, bti, pac).
fn gnu_properties(elf: &Elf<'_>, bytes: &[u8]) -> (bool, bool, bool, bool) {
    let mut out = (false, false, false, false);
    let Some(notes) = elf.iter_note_headers(bytes) else {
        return out;
    };
    let align = if elf.is_64 { 8 } else { 4 };
    for note in notes.flatten() {
        if note.n_type != NT_GNU_PROPERTY_TYPE_0 || note.name != "GNU" {
            continue;
        }
        let d = note.desc;
        let mut i = 0usize;
        while i + 8 <= d.len() {
            let word = |o: usize| -> Option<u32> {
                let b: [u8; 4] = d.get(o..o + 4)?.try_into().ok()?;
                Some(if elf.little_endian {
                    u32::from_le_bytes(b)
                } else {
                    u32::from_be_bytes(b)
                })
            };
            let (Some(pr_type), Some(size)) = (word(i), word(i + 4)) else {
                break;
            };
            let size = size as usize;
            if size >= 4 {
                let bits = word(i + 8).unwrap_or(0);
                match pr_type {
                    GNU_PROPERTY_X86_FEATURE_1_AND => {
                        out.0 |= bits & 1 != 0;
                        out.1 |= bits & 2 != 0;
                    }
                    GNU_PROPERTY_AARCH64_FEATURE_1_AND => {
                        out.2 |= bits & 1 != 0;
                        out.3 |= bits & 2 != 0;
                    }
                    _ => {}
                }
            }
            i += 8 + size.div_ceil(align) * align;
        }
    }
    out
}

fn section<'a>(elf: &'a Elf<'_>, name: &str) -> Option<&'a goblin::elf::SectionHeader> {
    elf.section_headers
        .iter()
        .find(|sh| elf.shdr_strtab.get_at(sh.sh_name) == Some(name))
}

/// Why a separate debug-information file gets no binary fact.
pub const DEBUG_ONLY: &str = "separate debug-information file";

/// A separate debug-information file (`objcopy --only-keep-debug`, files under
/// `/usr/lib/debug`): its `.text` is `SHT_NOBITS`, the code lives in another file, so
/// it has no hardening of its own to check.
pub fn separate_debug_file(elf: &Elf<'_>) -> bool {
    section(elf, ".text").is_some_and(|sh| sh.sh_type == goblin::elf::section_header::SHT_NOBITS)
}

/// Hardening facts of a parsed ELF.
pub fn elf_fact(elf: &Elf<'_>, bytes: &[u8]) -> ElfFact {
    let ph = &elf.program_headers;
    let stack = ph.iter().find(|p| p.p_type == PT_GNU_STACK);
    let nx = if elf.header.e_type == ET_REL {
        section(elf, ".note.GNU-stack").is_some_and(|sh| {
            sh.sh_flags & u64::from(goblin::elf::section_header::SHF_EXECINSTR) == 0
        })
    } else {
        stack.is_some_and(|p| p.p_flags & PF_X == 0)
    };
    let (flags, flags_1) = elf
        .dynamic
        .as_ref()
        .map(|d| (d.info.flags, d.info.flags_1))
        .unwrap_or((0, 0));
    let bind_now = flags & DF_BIND_NOW != 0 || flags_1 & DF_1_NOW != 0;
    let relro = if ph.iter().any(|p| p.p_type == PT_GNU_RELRO) {
        if bind_now {
            Relro::Full
        } else {
            Relro::Partial
        }
    } else {
        Relro::None
    };
    let pie = match elf.header.e_type {
        ET_EXEC => Pie::None,
        ET_REL => Pie::Rel,
        ET_DYN if elf.interpreter.is_some() || flags_1 & DF_1_PIE != 0 => Pie::Pie,
        ET_DYN => Pie::Dso,
        _ => Pie::None,
    };
    let mut names: BTreeSet<&str> = BTreeSet::new();
    let mut imports: BTreeSet<&str> = BTreeSet::new();
    for sym in elf.dynsyms.iter() {
        if let Some(n) = elf.dynstrtab.get_at(sym.st_name) {
            let n = n.split('@').next().unwrap_or(n);
            names.insert(n);
            if sym.st_shndx == 0 {
                imports.insert(n);
            }
        }
    }
    for sym in elf.syms.iter() {
        if let Some(n) = elf.strtab.get_at(sym.st_name) {
            names.insert(n.split('@').next().unwrap_or(n));
        }
    }
    let canary = [
        "__stack_chk_fail",
        "__stack_chk_guard",
        "__intel_security_cookie",
    ]
    .iter()
    .any(|c| names.contains(c));
    let fortified = names
        .iter()
        .filter(|n| {
            n.strip_prefix("__")
                .and_then(|r| r.strip_suffix("_chk"))
                .is_some_and(|base| FORTIFIABLE.contains(&base))
        })
        .count();
    let fortifiable = names.iter().filter(|n| FORTIFIABLE.contains(n)).count();
    let fortify = match (fortified > 0, fortifiable > 0) {
        (true, false) => Fortify::Full,
        (true, true) => Fortify::Partial,
        (false, true) => Fortify::None,
        (false, false) => Fortify::Undecidable,
    };
    let rpath = split_paths(&elf.rpaths);
    let runpath = split_paths(&elf.runpaths);
    let rpath_insecure = rpath.iter().chain(&runpath).any(|d| insecure_dir(d));
    let (cet_ibt, cet_shstk, arm_bti, arm_pac) = gnu_properties(elf, bytes);
    let mut unsafe_calls: Vec<String> = UNSAFE
        .iter()
        .filter(|u| imports.contains(*u))
        .map(|u| u.to_string())
        .collect();
    unsafe_calls.sort();
    ElfFact {
        arch: machine_to_str(elf.header.e_machine).to_string(),
        bits: if elf.is_64 { 64 } else { 32 },
        endianness: if elf.little_endian { "little" } else { "big" },
        elf_type: match elf.header.e_type {
            ET_EXEC => "exec",
            ET_DYN => "dyn",
            ET_REL => "rel",
            _ => "other",
        },
        nx,
        gnu_stack: stack.is_some(),
        pie,
        relro,
        canary,
        fortify,
        fortified,
        fortifiable,
        rpath,
        runpath,
        rpath_insecure,
        stripped: elf.syms.is_empty(),
        static_linked: elf.interpreter.is_none() && elf.dynamic.is_none(),
        interpreter: elf.interpreter.unwrap_or("").to_string(),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        cet_ibt,
        cet_shstk,
        arm_bti,
        arm_pac,
        wx_segment: ph
            .iter()
            .any(|p| p.p_type == PT_LOAD && p.p_flags & PF_W != 0 && p.p_flags & PF_X != 0),
        network: NETWORK.iter().any(|n| imports.contains(n)),
        unsafe_calls,
    }
}

/// Hardening facts of a parsed PE.
pub fn pe_fact(pe: &goblin::pe::PE<'_>) -> PeFact {
    let dc = pe
        .header
        .optional_header
        .map(|o| o.windows_fields.dll_characteristics)
        .unwrap_or(0);
    let machine = pe.header.coff_header.machine;
    let arch = match machine {
        0x014c => "x86".to_string(),
        0x8664 => "x86_64".to_string(),
        0x01c0 | 0x01c4 => "arm".to_string(),
        0xaa64 => "arm64".to_string(),
        m => format!("0x{m:04x}"),
    };
    PeFact {
        arch,
        bits: if pe.is_64 { 64 } else { 32 },
        dynamic_base: dc & 0x0040 != 0,
        high_entropy_va: dc & 0x0020 != 0,
        nx_compat: dc & 0x0100 != 0,
        guard_cf: dc & 0x4000 != 0,
        force_integrity: dc & 0x0080 != 0,
        no_seh: dc & 0x0400 != 0,
        signed: pe
            .certificates
            .iter()
            .any(|c| c.certificate_type as u16 == 2),
    }
}

/// Hardening facts of a parsed single-architecture Mach-O.
pub fn macho_fact(m: &goblin::mach::MachO<'_>) -> MachOFact {
    let flags = m.header.flags;
    MachOFact {
        arch: goblin::mach::cputype::get_arch_name_from_types(
            m.header.cputype,
            m.header.cpusubtype,
        )
        .unwrap_or("unknown")
        .to_string(),
        pie: flags & 0x0020_0000 != 0,
        no_heap_execution: flags & 0x0100_0000 != 0,
        nx_stack: flags & 0x0002_0000 == 0,
        signed: m.load_commands.iter().any(|lc| lc.command.cmd() == 0x1d),
    }
}

/// Most members of a universal (fat) Mach-O looked at.
const MAX_FAT_MEMBERS: usize = 64;

/// Parses a binary. `Err` is goblin's message (malformed input).
pub fn parse(bytes: &[u8]) -> Result<BinaryFact, String> {
    match goblin::Object::parse(bytes).map_err(|e| e.to_string())? {
        goblin::Object::Elf(elf) if separate_debug_file(&elf) => Err(DEBUG_ONLY.to_string()),
        goblin::Object::Elf(elf) => Ok(BinaryFact {
            format: "elf",
            elf: Some(elf_fact(&elf, bytes)),
            pe: None,
            macho: None,
        }),
        goblin::Object::PE(pe) => Ok(BinaryFact {
            format: "pe",
            elf: None,
            pe: Some(pe_fact(&pe)),
            macho: None,
        }),
        goblin::Object::Mach(goblin::mach::Mach::Binary(m)) => Ok(BinaryFact {
            format: "macho",
            elf: None,
            pe: None,
            macho: Some(macho_fact(&m)),
        }),
        goblin::Object::Mach(goblin::mach::Mach::Fat(fat)) => {
            // The header's member count is not checked against the file: a forged count
            // of hundreds of millions made this loop run for minutes, one error each.
            // Real universal binaries hold a handful of members.
            for arch in fat.into_iter().take(MAX_FAT_MEMBERS) {
                let arch = arch.map_err(|e| format!("universal Mach-O member: {e}"))?;
                if let goblin::mach::SingleArch::MachO(m) = arch {
                    return Ok(BinaryFact {
                        format: "macho",
                        elf: None,
                        pe: None,
                        macho: Some(macho_fact(&m)),
                    });
                }
            }
            Err("universal Mach-O without a Mach-O member".into())
        }
        _ => Err("not an ELF, PE or Mach-O binary".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insecure_rpath_dirs() {
        assert!(insecure_dir(""));
        assert!(insecure_dir("lib"));
        assert!(insecure_dir("/tmp/x"));
        assert!(!insecure_dir("/usr/lib"));
        assert!(!insecure_dir("$ORIGIN/../lib"));
        assert!(!insecure_dir("/tmpfoo"));
    }

    /// Found by fuzzing: a universal Mach-O header announcing 557 million members kept
    /// the parser busy for minutes.
    #[test]
    fn forged_universal_member_count_ends_at_once() {
        let input = b"\xca\xfe\xba\xbe!<aoch>\nL\x01\0\0\x003\0\0\x16\0\0\x0bin\0O\xfc6G";
        let started = std::time::Instant::now();
        assert!(parse(input).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn objects_take_nx_from_their_stack_note() {
        let elf_of = |b: &[u8]| match parse(b).unwrap().elf {
            Some(e) => e,
            None => panic!("not an ELF"),
        };
        let o = elf_of(include_bytes!("../../../../fixtures/firmware/elf/safe.o"));
        assert_eq!(o.elf_type, "rel");
        assert!(o.nx);
        let x = elf_of(include_bytes!(
            "../../../../fixtures/firmware/elf/safe-execstack.o"
        ));
        assert!(!x.nx);
    }

    #[test]
    fn separate_debug_files_are_not_programs() {
        let d = include_bytes!("../../../../fixtures/firmware/elf/daemon.debug");
        assert_eq!(parse(d).err().as_deref(), Some(DEBUG_ONLY));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(b"\x7fELF\x02\x01\x01garbage").is_err());
        assert!(parse(b"").is_err());
    }
}
