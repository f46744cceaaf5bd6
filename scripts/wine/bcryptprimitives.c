/*
 * A stand-in bcryptprimitives.dll for Wine 8 (Debian 12), which lacks it.
 * Rust's std (1.78+) calls ProcessPrng from it at start-up for its
 * HashMap keys and getrandom; without it ghenv.exe dies before main. This
 * forwards to advapi32's RtlGenRandom (exported as SystemFunction036),
 * which Wine implements. Only for scripts/wine-smoke.sh: real Windows 10+
 * ships the real DLL, and this one is never packaged.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *       bcryptprimitives.c bcryptprimitives.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
