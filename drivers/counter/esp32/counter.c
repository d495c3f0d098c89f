/*
 * Latch: the rollback counter (MonotonicCounterPort) on ESP32-class boards: eFuse bits, burned one at a time and
 * never cleared, so no edit of the flash chip sets the count back (modules/vault/head.ts seals it into the vault
 * head). Only eFuse bits that can be programmed one by one will do:
 *
 *  - ESP32 (M5Stack Fire, Core2), coding scheme None: the free bits of BLOCK3, avoiding the custom MAC (0..55),
 *    the ADC calibration (96..127), the app anti-rollback SECURE_VERSION (128..159) and MAC_VERSION (184..191):
 *    56..95, 160..183 and 192..255, 128 bits. A chip with the 3/4 coding scheme can program each coding unit only
 *    once: no counter there (capacity 0).
 *  - ESP32-S3 (CoreS3) and later: BLOCK1 and above are Reed-Solomon coded (one write each). Only BLOCK0 burns
 *    bit by bit, and its one spare field, SECURE_VERSION (142..157), is counted whole by the bootloader's
 *    anti-rollback: burning any of its bits would refuse every firmware with a lower secure version. So no
 *    counter there (capacity 0): the vault head still catches retired records, not older images (README).
 *
 * Not yet compiled (no ESP-IDF here): README, "Still open".
 */
#include "xsmc.h"
#include "xsHost.h"
#include "esp_efuse.h"
#include "esp_efuse_table.h"
#include "soc/soc_caps.h"

#if CONFIG_IDF_TARGET_ESP32
static const esp_efuse_desc_t LATCH_CNT_A = { EFUSE_BLK3, 56, 40 };
static const esp_efuse_desc_t LATCH_CNT_B = { EFUSE_BLK3, 160, 24 };
static const esp_efuse_desc_t LATCH_CNT_C = { EFUSE_BLK3, 192, 64 };
static const esp_efuse_desc_t *LATCH_COUNTER[] = { &LATCH_CNT_A, &LATCH_CNT_B, &LATCH_CNT_C, NULL };
#define LATCH_COUNTER_BITS 128

static int usable(void)
{
	return esp_efuse_get_coding_scheme(EFUSE_BLK3) == EFUSE_CODING_SCHEME_NONE;
}
#else
static const esp_efuse_desc_t *LATCH_COUNTER[] = { NULL };
#define LATCH_COUNTER_BITS 0

static int usable(void)
{
	return 0;
}
#endif

void xs_latch_counter_capacity(xsMachine *the)
{
	xsmcSetInteger(xsResult, usable() ? LATCH_COUNTER_BITS : 0);
}

void xs_latch_counter_read(xsMachine *the)
{
	size_t count = 0;
	if (!usable())
		return xsmcSetInteger(xsResult, 0);
	if (esp_efuse_read_field_cnt(LATCH_COUNTER, &count) != ESP_OK)
		xsUnknownError("reading the eFuse counter failed");
	xsmcSetInteger(xsResult, (xsIntegerValue)count);
}

/* Burn one more bit; false when every bit is spent. Any other failure throws: the vault refuses to go on. */
void xs_latch_counter_increment(xsMachine *the)
{
	esp_err_t err;
	if (!usable())
		return xsmcSetBoolean(xsResult, 0);
	err = esp_efuse_write_field_cnt(LATCH_COUNTER, 1);
	if (err == ESP_ERR_EFUSE_CNT_IS_FULL)
		return xsmcSetBoolean(xsResult, 0);
	if (err != ESP_OK)
		xsUnknownError("burning an eFuse counter bit failed");
	xsmcSetBoolean(xsResult, 1);
}
