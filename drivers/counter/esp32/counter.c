/*
 * Latch: the rollback counter (MonotonicCounterPort) on ESP32-class boards: eFuse bits, burned one at a time and
 * never cleared, so no edit of the flash chip sets the count back (modules/vault/head.ts seals it into the vault
 * head; every PIN attempt burns one bit before the PIN is checked, README: the eFuse budget). Only eFuse bits that
 * can be programmed one by one will do:
 *
 *  - ESP32 (M5Stack Fire, Core2), coding scheme None: the free bits of BLOCK3, avoiding the custom MAC (0..55),
 *    the ADC calibration (96..127), the app anti-rollback SECURE_VERSION (128..159) and MAC_VERSION (184..191):
 *    56..95, 160..183 and 192..255, 128 bits. A chip with the 3/4 coding scheme can program each coding unit only
 *    once: no counter there (capacity 0).
 *  - ESP32-S3 (CoreS3): BLOCK1 and above (USER_DATA = BLOCK3, KEY0..KEY5, SYS_DATA2) are Reed-Solomon coded: IDF
 *    refuses a second write to a block that holds any bit ("Bits are not empty. Write operation is forbidden.",
 *    components/efuse/esp32s3/esp_efuse_utility.c), since the check bytes cannot be rewritten. A user block would
 *    count to one. Only BLOCK0 burns bit by bit, and its one spare room is the upper part of SECURE_VERSION
 *    (BLOCK0 bits 142..157): the app anti-rollback reads only its lowest CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD
 *    bits (esp_efuse_read_secure_version masks the rest; 4 when unset), and Latch sets that to 4. So the counter is
 *    SECURE_VERSION bits 4..15 = BLOCK0 bits 146..157, 12 bits. It touches no key block: the chip key (KEY4,
 *    HMAC_UP), the secure boot v2 digests and the flash-encryption key stay in their RS-coded key blocks. A build
 *    that gives anti-rollback more than 4 bits would share them with the counter: it does not compile.
 *
 * Since every PIN entry burns a bit and a spent counter takes no PIN, 12 bits would end a CoreS3's wallet after
 * 11 unlocks; so the S3 counter is built only with LATCH_S3_EFUSE_COUNTER defined (the manifest's "defines"),
 * for benches and for a scheme that spends fewer bits. Without it the S3 reads capacity 0: no counter, as before.
 *
 * A field whose write protection is burned (ESP32: WR_DIS bit 9, BLOCK3; ESP32-S3: WR_DIS bit 18, which also locks
 * DIS_DOWNLOAD_MODE and the other BLOCK0 fields of that group) can burn no more bits: its capacity is what it
 * already counts, so a counter never used reads as none (0) and a used one reads as spent (the vault then takes no
 * PIN: README, "when the bits run out"). Provisioning must therefore never write-protect that group.
 *
 * Syntax-checked with the host gcc against the ESP-IDF headers (`npm run check:esp32` with the xtensa toolchain
 * does it for real); not yet run on a chip.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "esp_efuse.h"
#include "esp_efuse_table.h"
#include "sdkconfig.h"

#if CONFIG_IDF_TARGET_ESP32
static const esp_efuse_desc_t LATCH_CNT_A = { EFUSE_BLK3, 56, 40 };
static const esp_efuse_desc_t LATCH_CNT_B = { EFUSE_BLK3, 160, 24 };
static const esp_efuse_desc_t LATCH_CNT_C = { EFUSE_BLK3, 192, 64 };
static const esp_efuse_desc_t *LATCH_COUNTER[] = { &LATCH_CNT_A, &LATCH_CNT_B, &LATCH_CNT_C, NULL };
#define LATCH_COUNTER_BITS 128
#define LATCH_COUNTER_WR_DIS ESP_EFUSE_WR_DIS_BLK3

static int usable(void)
{
	return esp_efuse_get_coding_scheme(EFUSE_BLK3) == EFUSE_CODING_SCHEME_NONE;
}
#elif CONFIG_IDF_TARGET_ESP32S3
#if defined(CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD) && CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD > 4
#error "Latch's rollback counter uses SECURE_VERSION bits 4..15: anti-rollback may use bits 0..3 only (CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD=4)"
#endif
/* SECURE_VERSION is BLOCK0 bits 142..157 (esp_efuse_table.csv); the bootloader counts 142..145 */
static const esp_efuse_desc_t LATCH_CNT_A = { EFUSE_BLK0, 146, 12 };
static const esp_efuse_desc_t *LATCH_COUNTER[] = { &LATCH_CNT_A, NULL };
#define LATCH_COUNTER_BITS 12
#define LATCH_COUNTER_WR_DIS ESP_EFUSE_WR_DIS_SECURE_VERSION

static int usable(void)
{
#ifdef LATCH_S3_EFUSE_COUNTER
	return 1; /* BLOCK0 has no coding scheme: every bit burns on its own */
#else
	return 0; /* off unless built in: 12 bits are 11 unlocks, then the vault takes no PIN (see above) */
#endif
}
#else
static const esp_efuse_desc_t *LATCH_COUNTER[] = { NULL };
#define LATCH_COUNTER_BITS 0

static int usable(void)
{
	return 0;
}
#endif

static size_t burned(xsMachine *the)
{
	size_t count = 0;
	if (esp_efuse_read_field_cnt(LATCH_COUNTER, &count) != ESP_OK)
		xsUnknownError("reading the eFuse counter failed");
	return count;
}

/* Write-protected: nothing more can be burned (see above). */
static int locked(void)
{
#ifdef LATCH_COUNTER_WR_DIS
	return esp_efuse_read_field_bit(LATCH_COUNTER_WR_DIS);
#else
	return 1;
#endif
}

static size_t capacity(xsMachine *the)
{
	if (!usable())
		return 0;
	if (locked())
		return burned(the);
	return LATCH_COUNTER_BITS;
}

void xs_latch_counter_capacity(xsMachine *the)
{
	xsmcSetInteger(xsResult, (xsIntegerValue)capacity(the));
}

void xs_latch_counter_read(xsMachine *the)
{
	xsmcSetInteger(xsResult, usable() ? (xsIntegerValue)burned(the) : 0);
}

/* Burn one more bit; false when every bit is spent. Any other failure throws: the vault refuses to go on. */
void xs_latch_counter_increment(xsMachine *the)
{
	esp_err_t err;
	xsmcSetBoolean(xsResult, 0);
	if (!usable() || locked())
		return;
	err = esp_efuse_write_field_cnt(LATCH_COUNTER, 1);
	if (err == ESP_ERR_EFUSE_CNT_IS_FULL)
		return;
	if (err != ESP_OK)
		xsUnknownError("burning an eFuse counter bit failed");
	xsmcSetBoolean(xsResult, 1);
}
