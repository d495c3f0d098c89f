/*
 * check:esp32's fallback toolchain only (Debian's xtensa-lx106-elf-gcc with Debian's newlib 3.3 headers): newlib
 * 3.3 declares `_global_impure_ptr` as `struct _reent *const`, the newlib 4 that ESP-IDF's own toolchain ships
 * (and ESP-IDF's esp_libc/platform_include/sys/reent.h, which redeclares it) without the const. The rename keeps
 * newlib 3.3's declaration out of the way of ESP-IDF's; nothing else differs for a syntax check. Never used by a
 * real build.
 */
#define _global_impure_ptr latch_check_newlib33_global_impure_ptr
#include_next <sys/reent.h>
#undef _global_impure_ptr
