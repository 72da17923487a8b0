//! Binary hardening facts (target `binary`), checksec-style, read with goblin.
//!
//! One typed struct per format. Every field says how it is detected, so a reader can
//! check a surprising value against `readelf -lWd` / `objdump -p` output. goblin has had
//! fuzz-found panics; the callers ([`super::extract_binary`],
//! [`super::extract_elf_file`]) run every parse inside `catch_unwind` and cap the input
//! size ([`MAX_BINARY_SIZE`]).

use goblin::container::{Container, Ctx, Endian};
use goblin::elf::dynamic::{
    DF_1_NOW, DF_1_PIE, DF_BIND_NOW, DT_NEEDED, DT_RPATH, DT_RUNPATH, Dynamic,
};
use goblin::elf::header::{self, ET_DYN, ET_EXEC, ET_REL, machine_to_str};
use goblin::elf::program_header::{
    PF_W, PF_X, PT_DYNAMIC, PT_GNU_RELRO, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_NOTE,
};
use goblin::elf::section_header::{SHF_EXECINSTR, SHN_XINDEX, SHT_DYNSYM, SHT_NOBITS, SHT_SYMTAB};
use goblin::elf::{Elf, ProgramHeader, SectionHeader, Sym};
use serde::Serialize;
use std::borrow::Cow;
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

/// Symbols of the stack protector (GCC, Clang; ICC's cookie).
const CANARY: &[&str] = &[
    "__stack_chk_fail",
    "__stack_chk_guard",
    "__intel_security_cookie",
];

const NT_GNU_PROPERTY_TYPE_0: u32 = 5;
const GNU_PROPERTY_X86_FEATURE_1_AND: u32 = 0xc000_0002;
const GNU_PROPERTY_AARCH64_FEATURE_1_AND: u32 = 0xc000_0000;

fn insecure_dir(d: &str) -> bool {
    let relative = !(d.starts_with('/') || d.starts_with("$ORIGIN") || d.starts_with("${ORIGIN}"));
    let writable = ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .any(|w| d == *w || d.starts_with(&format!("{w}/")));
    relative || writable
}

/// Reads the GNU property notes for CET/BTI/PAC bits: (ibt, shstk, bti, pac).
fn gnu_properties<'a>(
    notes: impl Iterator<Item = goblin::elf::note::Note<'a>>,
    is_64: bool,
    little_endian: bool,
) -> (bool, bool, bool, bool) {
    let mut out = (false, false, false, false);
    let align = if is_64 { 8 } else { 4 };
    for note in notes {
        if note.n_type != NT_GNU_PROPERTY_TYPE_0 || note.name != "GNU" {
            continue;
        }
        let d = note.desc;
        let mut i = 0usize;
        while i + 8 <= d.len() {
            let word = |o: usize| -> Option<u32> {
                let b: [u8; 4] = d.get(o..o + 4)?.try_into().ok()?;
                Some(if little_endian {
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

/// Why a separate debug-information file gets no binary fact.
pub const DEBUG_ONLY: &str = "separate debug-information file";

/// Largest table (symbols, strings, notes) read from a binary.
const MAX_TABLE: u64 = MAX_BINARY_SIZE as u64;

/// The bytes of a binary, read piece by piece: the ELF reader asks only for the headers
/// and tables its facts need, so a binary on disk is never read whole.
pub trait Ranges {
    /// Length of the binary in bytes.
    fn size(&self) -> u64;
    /// `len` bytes at `offset`; `None` when they lie beyond the end or cannot be read.
    fn range(&self, offset: u64, len: u64) -> Option<Cow<'_, [u8]>>;
}

impl Ranges for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }
    fn range(&self, offset: u64, len: u64) -> Option<Cow<'_, [u8]>> {
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.get(start..end).map(Cow::Borrowed)
    }
}

/// A binary on disk, read with one positioned read per table.
pub struct FileRanges {
    file: std::fs::File,
    len: u64,
}

impl FileRanges {
    /// Opens `path`.
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileRanges { file, len })
    }
}

impl Ranges for FileRanges {
    fn size(&self) -> u64 {
        self.len
    }
    fn range(&self, offset: u64, len: u64) -> Option<Cow<'_, [u8]>> {
        if offset.checked_add(len)? > self.len || len > MAX_TABLE {
            return None;
        }
        let mut buf = vec![0u8; usize::try_from(len).ok()?];
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut buf, offset).ok()?;
        #[cfg(not(unix))]
        {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = &self.file;
            f.seek(SeekFrom::Start(offset)).ok()?;
            f.read_exact(&mut buf).ok()?;
        }
        Some(Cow::Owned(buf))
    }
}

fn u32_at(b: &[u8], o: usize, le: Endian) -> Option<u32> {
    let w: [u8; 4] = b.get(o..o + 4)?.try_into().ok()?;
    Some(if le.is_little() {
        u32::from_le_bytes(w)
    } else {
        u32::from_be_bytes(w)
    })
}

/// The NUL-terminated name at `offset` of a string table.
fn name_at(table: &[u8], offset: usize) -> Option<&[u8]> {
    let rest = table.get(offset..)?;
    Some(&rest[..memchr::memchr(0, rest).unwrap_or(rest.len())])
}

fn utf8(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A symbol table and its string table.
struct Symbols<'a> {
    table: Cow<'a, [u8]>,
    count: usize,
    strings: Cow<'a, [u8]>,
}

/// Reads what the hardening facts need from an ELF, and nothing else: header, program
/// headers, section headers and their names, the dynamic segment and its string table,
/// the symbol tables (names and section index only) and the note segments. Relocations
/// and version tables are never read.
struct ElfReader<'r> {
    r: &'r dyn Ranges,
    header: goblin::elf::Header,
    ctx: Ctx,
}

impl<'r> ElfReader<'r> {
    fn new(r: &'r dyn Ranges) -> Result<Self, String> {
        let head = r
            .range(0, r.size().min(64))
            .ok_or("cannot read the ELF header")?;
        let header = Elf::parse_header(&head).map_err(|e| e.to_string())?;
        let class = header.e_ident[header::EI_CLASS];
        if class != header::ELFCLASS64 && class != header::ELFCLASS32 {
            return Err(format!("unknown ELF class {class}"));
        }
        let container = if class == header::ELFCLASS64 {
            Container::Big
        } else {
            Container::Little
        };
        let le = header.e_ident[header::EI_DATA] == header::ELFDATA2LSB;
        Ok(ElfReader {
            r,
            header,
            ctx: Ctx::new(container, Endian::from(le)),
        })
    }

    fn table(&self, offset: u64, len: u64, what: &str) -> Result<Cow<'r, [u8]>, String> {
        self.r
            .range(offset, len)
            .ok_or_else(|| format!("{what} (offset {offset:#x}, {len} bytes) lies beyond the file"))
    }

    fn program_headers(&self) -> Result<Vec<ProgramHeader>, String> {
        let n = usize::from(self.header.e_phnum);
        if n == 0 {
            return Ok(Vec::new());
        }
        let size = ProgramHeader::size(self.ctx);
        let b = self.table(self.header.e_phoff, (n * size) as u64, "program headers")?;
        ProgramHeader::parse(&b, 0, n, self.ctx).map_err(|e| e.to_string())
    }

    fn section_headers(&self) -> Result<Vec<SectionHeader>, String> {
        let off = self.header.e_shoff;
        if off == 0 {
            return Ok(Vec::new());
        }
        let size = SectionHeader::size(self.ctx) as u64;
        let mut n = u64::from(self.header.e_shnum);
        if n == 0 {
            // More sections than SHN_LORESERVE: the count is in the first header.
            let first = self.table(off, size, "section headers")?;
            n = SectionHeader::parse_from(&first, 0, 1, self.ctx)
                .map_err(|e| e.to_string())?
                .first()
                .map_or(0, |sh| sh.sh_size);
        }
        if n.saturating_mul(size) > self.r.size() {
            return Err(format!("{n} section headers do not fit in the file"));
        }
        let b = self.table(off, n * size, "section headers")?;
        SectionHeader::parse_from(&b, 0, n as usize, self.ctx).map_err(|e| e.to_string())
    }

    /// The content of section `idx` (empty when there is no such section).
    fn section_data(&self, shdrs: &[SectionHeader], idx: usize) -> Result<Cow<'r, [u8]>, String> {
        let idx = if idx == SHN_XINDEX as usize {
            shdrs.first().map_or(usize::MAX, |s| s.sh_link as usize)
        } else {
            idx
        };
        match shdrs.get(idx) {
            Some(sh) => self.table(sh.sh_offset, sh.sh_size, "string table"),
            None => Ok(Cow::Borrowed(&[])),
        }
    }

    fn symbols(
        &self,
        offset: u64,
        count: u64,
        strings: Cow<'r, [u8]>,
    ) -> Result<Symbols<'r>, String> {
        let size = Sym::size(self.ctx.container) as u64;
        if count.saturating_mul(size) > self.r.size() {
            return Err(format!("{count} symbols do not fit in the file"));
        }
        Ok(Symbols {
            table: self.table(offset, count * size, "symbol table")?,
            count: count as usize,
            strings,
        })
    }

    /// Number of dynamic symbols from the `DT_GNU_HASH` or `DT_HASH` table, for binaries
    /// whose section headers were removed (`sstrip`).
    fn hashed_symbols(&self, info: &goblin::elf::dynamic::DynamicInfo) -> Result<u64, String> {
        let word = |o: u64| -> Result<u32, String> {
            let b = self.table(o, 4, "hash table")?;
            Ok(u32_at(&b, 0, self.ctx.le).unwrap_or(0))
        };
        if let Some(gnu) = info.gnu_hash {
            let (buckets, min_chain, bloom) = (
                word(gnu)?,
                word(gnu.saturating_add(4))?,
                word(gnu.saturating_add(8))?,
            );
            if buckets == 0 || min_chain == 0 || bloom == 0 {
                return Err("invalid DT_GNU_HASH table".into());
            }
            let word_size = if self.ctx.container.is_big() { 8 } else { 4 };
            let buckets_at = gnu.saturating_add(16 + u64::from(bloom) * word_size);
            let table = self.table(buckets_at, u64::from(buckets) * 4, "hash buckets")?;
            let mut max_chain = 0u32;
            for i in 0..buckets as usize {
                max_chain = max_chain.max(u32_at(&table, i * 4, self.ctx.le).unwrap_or(0));
            }
            if max_chain < min_chain {
                return Ok(0);
            }
            // The chain of the last bucket ends at the first hash with its low bit set;
            // it is read in blocks (one read per word would be one system call each).
            let mut at = buckets_at
                .saturating_add(u64::from(buckets) * 4 + u64::from(max_chain - min_chain) * 4);
            let mut count = u64::from(max_chain);
            loop {
                let len = self.r.size().saturating_sub(at).min(4096) & !3;
                let block = self.table(at, len, "hash chain")?;
                if block.is_empty() {
                    return Err("DT_GNU_HASH chain runs past the end of the file".into());
                }
                for i in (0..block.len()).step_by(4) {
                    count += 1;
                    if u32_at(&block, i, self.ctx.le).unwrap_or(1) & 1 != 0 {
                        return Ok(count);
                    }
                }
                at += len;
            }
        }
        if let Some(hash) = info.hash {
            return Ok(u64::from(word(hash.saturating_add(4))?));
        }
        Ok(0)
    }
}

/// Longest symbol name the facts look for (`__intel_security_cookie`), without its
/// `@VERSION` suffix.
const MAX_NAME: usize = 24;

/// Calls `f` with each symbol name short enough to be one the facts look for (without
/// its `@VERSION` suffix) and whether the symbol is undefined (an import). Long names
/// (C++ symbols are most of a large library's table) are skipped after a few bytes.
fn for_each_name(s: &Symbols<'_>, ctx: Ctx, mut f: impl FnMut(&[u8], bool)) {
    let table = goblin::elf::sym::Symtab::parse(&s.table, 0, s.count, ctx);
    for sym in table.iter().flat_map(|t| t.iter()) {
        let Some(rest) = s.strings.get(sym.st_name..) else {
            continue;
        };
        let window = &rest[..rest.len().min(MAX_NAME + 1)];
        let end = memchr::memchr2(0, b'@', window).unwrap_or(window.len());
        if end <= MAX_NAME {
            f(&window[..end], sym.st_shndx == 0);
        }
    }
}

/// What a symbol name tells: one of the names looked for, or the `__<name>_chk`
/// variant of a fortifiable function.
#[derive(Clone, Copy)]
enum Known {
    Name(&'static str),
    Fortified(&'static str),
}

fn known_symbol(n: &[u8]) -> Option<Known> {
    static NAMES: std::sync::OnceLock<std::collections::HashMap<Vec<u8>, Known>> =
        std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            let mut m = std::collections::HashMap::new();
            for k in FORTIFIABLE {
                m.insert(format!("__{k}_chk").into_bytes(), Known::Fortified(k));
            }
            for k in [CANARY, FORTIFIABLE, UNSAFE, NETWORK]
                .iter()
                .flat_map(|l| l.iter())
            {
                m.insert(k.as_bytes().to_vec(), Known::Name(k));
            }
            m
        })
        .get(n)
        .copied()
}

/// Hardening facts of an ELF (`Err(DEBUG_ONLY)` for a separate debug-information file).
pub fn elf_fact(r: &dyn Ranges) -> Result<ElfFact, String> {
    let e = ElfReader::new(r)?;
    let ctx = e.ctx;
    let ph = e.program_headers()?;
    let shdrs = e.section_headers()?;
    let shstrtab = e.section_data(&shdrs, usize::from(e.header.e_shstrndx))?;
    let section = |name: &str| {
        shdrs
            .iter()
            .find(|sh| name_at(&shstrtab, sh.sh_name) == Some(name.as_bytes()))
    };
    // A separate debug-information file (`objcopy --only-keep-debug`, files under
    // `/usr/lib/debug`): its `.text` is `SHT_NOBITS`, the code lives in another file, so
    // it has no hardening of its own to check.
    if section(".text").is_some_and(|sh| sh.sh_type == SHT_NOBITS) {
        return Err(DEBUG_ONLY.to_string());
    }
    let e_type = e.header.e_type;
    let stack = ph.iter().find(|p| p.p_type == PT_GNU_STACK);
    let nx = if e_type == ET_REL {
        section(".note.GNU-stack").is_some_and(|sh| sh.sh_flags & u64::from(SHF_EXECINSTR) == 0)
    } else {
        stack.is_some_and(|p| p.p_flags & PF_X == 0)
    };
    let mut interpreter = None;
    for p in ph
        .iter()
        .filter(|p| p.p_type == PT_INTERP && p.p_filesz != 0)
    {
        interpreter = r
            .range(p.p_offset, p.p_filesz - 1)
            .and_then(|b| std::str::from_utf8(&b).ok().map(str::to_string));
    }
    // The dynamic segment, read alone: its program header is moved to offset 0 so that
    // goblin parses it from that slice (the load segments map addresses to offsets).
    let dynamic = match ph.iter().find(|p| p.p_type == PT_DYNAMIC) {
        Some(d) => {
            let seg = if d.p_filesz == 0 {
                Cow::Borrowed(&[][..])
            } else {
                e.table(d.p_offset, d.p_filesz, "dynamic segment")?
            };
            let moved: Vec<ProgramHeader> = ph
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    if p.p_type == PT_DYNAMIC {
                        p.p_offset = 0;
                    }
                    p
                })
                .collect();
            Dynamic::parse(&seg, &moved, ctx).map_err(|e| e.to_string())?
        }
        None => None,
    };
    let (flags, flags_1) = dynamic
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
    let pie = match e_type {
        ET_EXEC => Pie::None,
        ET_REL => Pie::Rel,
        ET_DYN if interpreter.is_some() || flags_1 & DF_1_PIE != 0 => Pie::Pie,
        ET_DYN => Pie::Dso,
        _ => Pie::None,
    };
    let (mut needed, mut rpath, mut runpath) = (Vec::new(), Vec::new(), Vec::new());
    let mut dynsym = None;
    if let Some(d) = &dynamic {
        let dynstr = e.table(
            d.info.strtab as u64,
            d.info.strsz as u64,
            "dynamic string table",
        )?;
        for entry in &d.dyns {
            let Some(s) = usize::try_from(entry.d_val)
                .ok()
                .and_then(|o| name_at(&dynstr, o))
            else {
                continue;
            };
            match entry.d_tag {
                DT_NEEDED => needed.push(utf8(s)),
                DT_RPATH => rpath.extend(utf8(s).split(':').map(str::to_string)),
                DT_RUNPATH => runpath.extend(utf8(s).split(':').map(str::to_string)),
                _ => {}
            }
        }
        let count = match shdrs.iter().find(|sh| sh.sh_type == SHT_DYNSYM) {
            Some(sh) if sh.sh_entsize != 0 => sh.sh_size / sh.sh_entsize,
            _ => e.hashed_symbols(&d.info)?,
        };
        dynsym = Some(e.symbols(d.info.symtab as u64, count, dynstr)?);
    }
    let symtab = match shdrs.iter().rfind(|sh| sh.sh_type == SHT_SYMTAB) {
        Some(sh) => {
            let count = sh.sh_size.checked_div(sh.sh_entsize).unwrap_or(0);
            let strings = e.section_data(&shdrs, sh.sh_link as usize)?;
            Some(e.symbols(sh.sh_offset, count, strings)?)
        }
        None => None,
    };
    // Only the names the facts look for are kept.
    let mut names: BTreeSet<&'static str> = BTreeSet::new();
    let mut imports: BTreeSet<&'static str> = BTreeSet::new();
    let mut fortified: BTreeSet<&'static str> = BTreeSet::new();
    let mut note_name = |n: &[u8], import: bool| match known_symbol(n) {
        Some(Known::Name(known)) => {
            names.insert(known);
            if import {
                imports.insert(known);
            }
        }
        Some(Known::Fortified(base)) => {
            fortified.insert(base);
        }
        None => {}
    };
    if let Some(s) = &dynsym {
        for_each_name(s, ctx, &mut note_name);
    }
    if let Some(s) = &symtab {
        // Only dynamic symbols are imports.
        for_each_name(s, ctx, |n, _| note_name(n, false));
    }
    let canary = CANARY.iter().any(|c| names.contains(c));
    let fortified = fortified.len();
    let fortifiable = FORTIFIABLE.iter().filter(|n| names.contains(*n)).count();
    let fortify = match (fortified > 0, fortifiable > 0) {
        (true, false) => Fortify::Full,
        (true, true) => Fortify::Partial,
        (false, true) => Fortify::None,
        (false, false) => Fortify::Undecidable,
    };
    let rpath_insecure = rpath.iter().chain(&runpath).any(|d| insecure_dir(d));
    let is_64 = ctx.container.is_big();
    let little_endian = ctx.le.is_little();
    let segments: Vec<(u64, Cow<'_, [u8]>)> = ph
        .iter()
        .filter(|p| p.p_type == PT_NOTE)
        .filter_map(|p| Some((p.p_align, r.range(p.p_offset, p.p_filesz)?)))
        .collect();
    let notes = segments.iter().flat_map(|(align, data)| {
        goblin::elf::note::NoteDataIterator {
            data,
            size: data.len(),
            offset: 0,
            ctx: (*align as usize, ctx),
        }
        .flatten()
    });
    let (cet_ibt, cet_shstk, arm_bti, arm_pac) = gnu_properties(notes, is_64, little_endian);
    let unsafe_calls: Vec<String> = UNSAFE
        .iter()
        .filter(|u| imports.contains(*u))
        .map(|u| u.to_string())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(ElfFact {
        arch: machine_to_str(e.header.e_machine).to_string(),
        bits: if is_64 { 64 } else { 32 },
        endianness: if little_endian { "little" } else { "big" },
        elf_type: match e_type {
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
        stripped: symtab.is_none_or(|s| s.count == 0),
        static_linked: interpreter.is_none() && dynamic.is_none(),
        interpreter: interpreter.unwrap_or_default(),
        needed,
        cet_ibt,
        cet_shstk,
        arm_bti,
        arm_pac,
        wx_segment: ph
            .iter()
            .any(|p| p.p_type == PT_LOAD && p.p_flags & PF_W != 0 && p.p_flags & PF_X != 0),
        network: NETWORK.iter().any(|n| imports.contains(n)),
        unsafe_calls,
    })
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

/// Parses an ELF read piece by piece (see [`elf_fact`]).
pub fn parse_elf(r: &dyn Ranges) -> Result<BinaryFact, String> {
    Ok(BinaryFact {
        format: "elf",
        elf: Some(elf_fact(r)?),
        pe: None,
        macho: None,
    })
}

/// Parses a binary. `Err` is the parser's message (malformed input).
pub fn parse(bytes: &[u8]) -> Result<BinaryFact, String> {
    if bytes.starts_with(b"\x7fELF") {
        return parse_elf(&bytes);
    }
    match goblin::Object::parse(bytes).map_err(|e| e.to_string())? {
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

    const CANARY_DAEMON: &[u8] = include_bytes!(
        "../../../../rules/firmware/FW-013-network-binary-without-canary/pass/daemon-canary"
    );
    const STRCPY_DAEMON: &[u8] = include_bytes!(
        "../../../../rules/firmware/FW-014-network-binary-unsafe-calls/fail/daemon-strcpy"
    );

    fn json(r: Result<BinaryFact, String>) -> serde_json::Value {
        serde_json::to_value(r.unwrap()).unwrap()
    }

    /// Counts the bytes the ELF reader asks for.
    struct Counting<'a>(&'a [u8], std::cell::Cell<u64>);
    impl Ranges for Counting<'_> {
        fn size(&self) -> u64 {
            self.0.len() as u64
        }
        fn range(&self, offset: u64, len: u64) -> Option<Cow<'_, [u8]>> {
            self.1.set(self.1.get() + len);
            let start = usize::try_from(offset).ok()?;
            self.0
                .get(start..start + usize::try_from(len).ok()?)
                .map(Cow::Borrowed)
        }
    }

    #[test]
    fn files_on_disk_give_the_facts_of_their_bytes() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [("canary", CANARY_DAEMON), ("strcpy", STRCPY_DAEMON)] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let file = FileRanges::open(&path).unwrap();
            assert_eq!(json(parse_elf(&file)), json(parse(bytes)), "{name}");
        }
        let e = json(parse(STRCPY_DAEMON));
        assert_eq!(
            e["elf"]["unsafe_calls"],
            serde_json::json!(["sprintf", "strcpy", "system"])
        );
        assert_eq!(e["elf"]["network"], true);
        assert_eq!(e["elf"]["needed"], serde_json::json!(["libc.so.6"]));
        assert_eq!(json(parse(CANARY_DAEMON))["elf"]["canary"], true);
    }

    #[test]
    fn every_name_looked_for_fits_the_name_window() {
        for k in [CANARY, FORTIFIABLE, UNSAFE, NETWORK]
            .iter()
            .flat_map(|l| l.iter())
        {
            assert!(k.len() <= MAX_NAME, "{k}");
            assert!(format!("__{k}_chk").len() <= MAX_NAME || !FORTIFIABLE.contains(k));
            assert!(known_symbol(k.as_bytes()).is_some());
        }
        assert!(matches!(
            known_symbol(b"__memcpy_chk"),
            Some(Known::Fortified("memcpy"))
        ));
        assert!(known_symbol(b"memcpy_chk").is_none());
    }

    /// A large binary costs the reader its tables, not its size.
    #[test]
    fn only_headers_and_tables_are_read() {
        let mut big = CANARY_DAEMON.to_vec();
        big.resize(big.len() + 8 * 1024 * 1024, 0);
        let r = Counting(&big, Default::default());
        let fact = elf_fact(&r).unwrap();
        assert!(fact.canary && fact.nx && fact.relro == Relro::Full);
        assert!(r.1.get() < 16 * 1024, "{} bytes read", r.1.get());
    }

    /// `sstrip` removes the section headers: dynamic symbols are then counted from the
    /// GNU hash table.
    #[test]
    fn binaries_without_section_headers_are_read_through_their_hash_table() {
        let mut b = CANARY_DAEMON.to_vec();
        // e_shoff (0x28, 8 bytes), e_shnum (0x3c) and e_shstrndx (0x3e) of an ELF64.
        b[0x28..0x30].fill(0);
        b[0x3c..0x40].fill(0);
        let stripped = json(parse(&b));
        let full = json(parse(CANARY_DAEMON));
        assert_eq!(stripped, full);
        assert_eq!(stripped["elf"]["canary"], true);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse(b"\x7fELF\x02\x01\x01garbage").is_err());
        assert!(parse(b"").is_err());
    }
}
