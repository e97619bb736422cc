#!/bin/sh
# Builds the root file system the service image adds on top of "scratch": a jlink'ed Java
# runtime at /opt/java and exactly the shared libraries it loads, taken from this (Debian) build
# machine, plus the data directory and /tmp. Used by -Prelease (service/pom.xml) because Jib
# cannot pull a base image here (no registry is reachable); with one, point jib.from.image at
# eclipse-temurin:17-jre instead. Usage: runtime-root.sh JAVA_HOME OUTPUT_DIR
set -eu
jdk=$1
out=$2
modules=java.base,java.compiler,java.datatransfer,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.charsets,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.localedata,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs

rm -rf "$out"
mkdir -p "$out/opt" "$out/var/lib/keyless" "$out/tmp" "$out/etc" "$out/proc" "$out/dev"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --output "$out/opt/java"

# Every library the runtime's binaries and libraries need, at the path the loader looks for it.
# The graphical AWT libraries are left out of the scan (a headless service never loads them; they
# would pull in X11, fonts and image codecs).
find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' -o -name jspawnhelper \) \
    ! -name libawt_xawt.so ! -name libjawt.so ! -name libsplashscreen.so ! -name libfontmanager.so \
    ! -name liblcms.so ! -name libjavajpeg.so ! -name libjsound.so \
    -exec ldd {} \; 2>/dev/null \
    | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' \
    | sort -u | while read -r lib; do
        case "$lib" in "$out"*) continue ;; esac
        mkdir -p "$out$(dirname "$lib")"
        cp -L "$lib" "$out$lib"
    done
# glibc loads these by name at run time (name service, DNS), not through DT_NEEDED.
for extra in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
    for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64; do
        if [ -f "$dir/$extra" ]; then
            mkdir -p "$out$dir"
            cp -L "$dir/$extra" "$out$dir/$extra"
            break
        fi
    done
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nkeyless:x:10001:0:Keyless service:/var/lib/keyless:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\n' >"$out/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$out/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$out/etc/hosts"
