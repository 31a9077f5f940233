// What the operand image (the PostgreSQL container an extension image is mounted into) provides to an
// extension: shared libraries on the dynamic loader's default paths (for DT_NEEDED), the modules in its own
// library directory ($libdir, first on dynamic_library_path), and the extensions in its own share directory
// ($system, first on extension_control_path). Measured from the operand image when it can be read
// (operand-image.ts), else taken from the built-in lists below.
import { BASE_IMAGE_EXTENSIONS, type Distro } from '../core/extension-catalog';

/** What the operand provides, and where that knowledge comes from. */
export interface OperandProvides {
  /** `image`: read from the operand image; `built-in`: the lists of this library, for `distro`. */
  readonly source: 'image' | 'built-in';
  /** The operand image, when measured. */
  readonly reference?: string;
  /** Its manifest digest, when measured. */
  readonly digest?: string;
  /** The Debian release the built-in lists are for. */
  readonly distro?: Distro;
  /** File names (sonames) in the loader's directories. */
  readonly libraries: ReadonlySet<string>;
  /** File names in PostgreSQL's pkglib (`$libdir`): /usr/lib/postgresql/<major>/lib. */
  readonly modules: ReadonlySet<string>;
  /** Extension names with a control file in PostgreSQL's share directory (`$system`). */
  readonly extensions: ReadonlySet<string>;
  /** The directory `$libdir` stands for in the operand. */
  readonly pkglibDir: string;
}

/** PostgreSQL's pkglib in CNPG's operand images (Debian's layout, postgresql-<major>). */
export const OPERAND_PKGLIB = '/usr/lib/postgresql/18/lib';

/**
 * Shared libraries of CNPG's `postgresql:18-minimal-bookworm` operand image. The image is `debian:bookworm-slim`
 * plus postgresql-common, ca-certificates, gnupg and PGDG's postgresql-18 (cloudnative-pg/postgres-containers,
 * Dockerfile, target `minimal`); the list is the sonames those Debian packages ship (`dpkg -L` of the packages of
 * Priority required, apt, and the first alternative of each Depends of the packages above, recursively,
 * postgresql-15 standing in for postgresql-18 with its liburing2 and libnuma1 added). The PostGIS image copies
 * into system/ only the libraries this closure lacks (postgres-extensions-containers, postgis/Dockerfile:
 * `comm -13` of the base image's `ldconfig -p` and the modules' `ldd`), so its modules rely on these.
 */
const BOOKWORM = (
  'ld-linux-x86-64.so.2 ld-linux-aarch64.so.1 libBrokenLocale.so.1 libLLVM-14.so.1 libacl.so.1 libanl.so.1 ' +
  'libapt-pkg.so.6.0 libapt-private.so.0.0 libassuan.so.0 libattr.so.1 libaudit.so.1 libblkid.so.1 libbsd.so.0 ' +
  'libbz2.so.1 libbz2.so.1.0 libc.so.6 libc_malloc_debug.so.0 libcap-ng.so.0 libcap.so.2 libcom_err.so.2 libcrypt.so.1 ' +
  'libcrypto.so.3 libdebconfclient.so.0 libdl.so.2 libdrop_ambient.so.0 libe2p.so.2 libedit.so.2 libexslt.so.0 ' +
  'libext2fs.so.2 libffi.so.8 libformw.so.6 libgcc_s.so.1 libgcrypt.so.20 libgdbm.so.6 libgdbm_compat.so.4 ' +
  'libgmp.so.10 libgnutls.so.30 libgpg-error.so.0 libgssapi_krb5.so.2 libhistory.so.8 libhogweed.so.6 ' +
  'libicudata.so.72 libicui18n.so.72 libicuio.so.72 libicutest.so.72 libicutu.so.72 libicuuc.so.72 libidn2.so.0 ' +
  'libk5crypto.so.3 libkeyutils.so.1 libkrb5.so.3 libkrb5support.so.0 libksba.so.8 liblber-2.5.so.0 ' +
  'libldap-2.5.so.0 liblz4.so.1 liblzma.so.5 libm.so.6 libmd.so.0 libmenuw.so.6 libmount.so.1 libmpfr.so.6 ' +
  'libmvec.so.1 libncursesw.so.6 libnettle.so.8 libnpth.so.0 libnsl.so.1 libnss_compat.so.2 libnss_dns.so.2 ' +
  'libnss_files.so.2 libnss_hesiod.so.2 libnuma.so.1 libp11-kit.so.0 libpam.so.0 libpam_misc.so.0 libpamc.so.0 ' +
  'libpanelw.so.6 libpcre2-8.so.0 libperl.so.5.36 libpq.so.5 libpsx.so.2 libpthread.so.0 libreadline.so.8 ' +
  'libresolv.so.2 librt.so.1 libsasl2.so.2 libseccomp.so.2 libselinux.so.1 libsemanage.so.2 libsepol.so.2 ' +
  'libsmartcols.so.1 libsqlite3.so.0 libss.so.2 libssl.so.3 libstdc++.so.6 libsystemd.so.0 libtasn1.so.6 ' +
  'libthread_db.so.1 libtic.so.6 libtinfo.so.6 libudev.so.1 libunistring.so.2 liburing.so.2 libutil.so.1 ' +
  'libuuid.so.1 libxml2.so.2 libxslt.so.1 libxxhash.so.0 libz.so.1 libz3.so.4 libzstd.so.1'
).split(' ');

/**
 * `postgresql:18-minimal-trixie`: the same packages in Debian trixie, with trixie's sonames where they moved
 * (ICU 76, libunistring 5, OpenLDAP's libldap.so.2 and liblber.so.2, LLVM 19, Perl 5.40, libapt-pkg 7.0,
 * libassuan 9; glibc 2.41 no longer ships libnsl.so.1). Package names that gained "t64" kept their sonames.
 */
const TRIXIE_RENAMES: Readonly<Record<string, string | readonly string[] | null>> = {
  'libLLVM-14.so.1': ['libLLVM.so.19.1', 'libLLVM-19.so.1'],
  'libicudata.so.72': 'libicudata.so.76',
  'libicui18n.so.72': 'libicui18n.so.76',
  'libicuio.so.72': 'libicuio.so.76',
  'libicutest.so.72': 'libicutest.so.76',
  'libicutu.so.72': 'libicutu.so.76',
  'libicuuc.so.72': 'libicuuc.so.76',
  'libunistring.so.2': 'libunistring.so.5',
  'libldap-2.5.so.0': 'libldap.so.2',
  'liblber-2.5.so.0': 'liblber.so.2',
  'libperl.so.5.36': 'libperl.so.5.40',
  'libapt-pkg.so.6.0': 'libapt-pkg.so.7.0',
  'libassuan.so.0': 'libassuan.so.9',
  'libnsl.so.1': null,
};
const TRIXIE = BOOKWORM.flatMap((n) => {
  if (!(n in TRIXIE_RENAMES)) return [n];
  const to = TRIXIE_RENAMES[n];
  return to === null ? [] : typeof to === 'string' ? [to] : [...to];
});

/**
 * Modules in the operand's pkglib besides the contrib extensions' own: PL/pgSQL, the logical decoding plugins,
 * the libraries loaded by name (auto_explain, passwordcheck, ...), as Debian's postgresql-18 ships them.
 */
const PKGLIB_EXTRA = [
  'plpgsql',
  'pgoutput',
  'test_decoding',
  'auto_explain',
  'auth_delay',
  'basebackup_to_shell',
  'basic_archive',
  'passwordcheck',
  'libpqwalreceiver',
  'dict_snowball',
  'pg_overexplain',
  'pg_logicalinspect',
  'llvmjit',
];

/** The built-in knowledge of an operand image for `distro` (trixie when unknown). */
export function builtInOperand(distro: Distro = 'trixie'): OperandProvides {
  const contrib = Object.keys(BASE_IMAGE_EXTENSIONS).filter((e) => e !== 'plpgsql');
  return {
    source: 'built-in',
    distro,
    libraries: new Set(distro === 'bookworm' ? BOOKWORM : TRIXIE),
    modules: new Set([...contrib, ...PKGLIB_EXTRA].flatMap((m) => [m, `${m}.so`])),
    extensions: new Set(Object.keys(BASE_IMAGE_EXTENSIONS)),
    pkglibDir: OPERAND_PKGLIB,
  };
}

// The dynamic loader's default directories and the multiarch ones Debian's ld.so.conf.d adds (ld.so(8)).
const LIBRARY_DIR = /^(usr\/)?(local\/)?lib(32|64)?(\/[a-z0-9_]+-linux-gnu[a-z0-9_]*)?$/;
const PKGLIB_DIR = /^usr\/lib\/postgresql\/[0-9]+\/lib$/;
const SHARE_EXTENSION_DIR = /^usr\/share\/postgresql\/[0-9]+\/extension$/;

/**
 * What an operand image provides, from the paths of its files (relative to the image root, links included) and
 * the directories its `/etc/ld.so.conf.d/*.conf` files name.
 */
export function operandFromPaths(
  files: Iterable<string>,
  extra: { readonly ldSoConfDirs?: readonly string[]; readonly reference?: string; readonly digest?: string } = {},
): OperandProvides {
  const confDirs = new Set((extra.ldSoConfDirs ?? []).map((d) => d.replace(/^\/+|\/+$/g, '')));
  const libraries = new Set<string>();
  const modules = new Set<string>();
  const extensions = new Set<string>();
  let pkglibDir = OPERAND_PKGLIB;
  for (const f of files) {
    const rel = f.replace(/^\.?\/+/, '');
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    const base = rel.slice(slash + 1);
    if ((LIBRARY_DIR.test(dir) || confDirs.has(dir)) && /\.so(\.[0-9]+)*$/.test(base)) libraries.add(base);
    if (PKGLIB_DIR.test(dir)) {
      modules.add(base);
      pkglibDir = `/${dir}`;
    }
    if (SHARE_EXTENSION_DIR.test(dir) && base.endsWith('.control') && !base.includes('--'))
      extensions.add(base.slice(0, -'.control'.length));
  }
  return { source: 'image', reference: extra.reference, digest: extra.digest, libraries, modules, extensions, pkglibDir };
}

/** The Debian release a reference's tag names (`18-minimal-trixie`, `0.8.1-18-bookworm`), if it names one. */
export function distroOfReference(reference: string | undefined): Distro | undefined {
  const m = /[:-](trixie|bookworm)(?:[@-]|$)/.exec(reference ?? '');
  return m ? (m[1] as Distro) : undefined;
}
