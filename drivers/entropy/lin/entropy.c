/*
 * Latch: random bytes for the Moddable desktop simulator on Linux, from the kernel's getrandom(2).
 * Returns how many bytes were filled; fewer than asked makes the health-tested source refuse (short read).
 */
#include "xsmc.h"
#include <errno.h>
#include <sys/random.h>

void xs_latch_fill_random(xsMachine *the)
{
	xsUnsignedValue length = xsmcGetArrayBufferLength(xsArg(0));
	uint8_t *data = xsmcToArrayBuffer(xsArg(0));
	xsUnsignedValue filled = 0;
	while (filled < length) {
		ssize_t got = getrandom(data + filled, length - filled, 0);
		if (got < 0) {
			if (errno == EINTR) continue;
			break;
		}
		filled += (xsUnsignedValue)got;
	}
	xsmcSetInteger(xsResult, (xsIntegerValue)filled);
}
