/* bcryptprimitives.dll for wine releases before 9.0, which lack it. Go 1.22 and later load it
 * at start for ProcessPrng, its source of random bytes. This provides ProcessPrng on top of
 * RtlGenRandom (advapi32's SystemFunction036), which every wine release has. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}
