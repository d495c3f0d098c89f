/*
 * Latch: hardware random bytes on ESP32. esp_fill_random() draws from the RNG peripheral, which is a true
 * RNG while the RF subsystem (BLE) or the bootloader's entropy source is enabled (ESP-IDF docs, "Random Number
 * Generation"). Latch keeps BLE on whenever it makes secrets, and health-tests every byte in modules/entropy.
 */
#include "xsmc.h"
#include "esp_random.h"

void xs_latch_fill_random(xsMachine *the)
{
	xsUnsignedValue length;
	void *data;
	xsmcGetArrayBufferData(xsArg(0), 0, NULL, 0); /* type check: throws unless an ArrayBuffer */
	length = xsmcGetArrayBufferLength(xsArg(0));
	data = xsmcToArrayBuffer(xsArg(0));
	esp_fill_random(data, length);
	xsmcSetInteger(xsResult, (xsIntegerValue)length);
}
