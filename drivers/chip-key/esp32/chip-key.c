/*
 * Latch: the chip key on ESP32-class boards. HMAC-SHA256 under a 256-bit key that never lies in the vault
 * partition; JavaScript only ever sees HMAC outputs, never the key.
 *
 *  - Chips with the HMAC peripheral (ESP32-S3 on the M5Stack CoreS3, and S2/C3/C6/H2/P4): the key sits in eFuse
 *    block KEY4 with purpose HMAC_UP, read-protected, so no software can read it, only ask the peripheral for
 *    HMACs. A board with no key there yet is given one at first boot: 32 bytes from the health-tested RNG
 *    (modules/entropy), passed to xs_latch_chip_provision (burning eFuses is permanent; a factory can provision
 *    with espefuse.py instead, and the driver then finds the key in place).
 *  - The original ESP32 (M5Stack Fire) has no HMAC peripheral: the key is written at first boot, from the same
 *    health-tested bytes, to the `latchkey` partition, flagged `encrypted` in partitions.csv; the HMAC is computed here with
 *    mbedTLS. This protects the key from a flash dump only when flash encryption is enabled (then the partition
 *    reads as ciphertext outside the chip), and from being read by other firmware only with secure boot on.
 *    Without both, a dump of this partition is the chip key: README, "Security notes".
 */
#include "xsmc.h"
#include "xsHost.h"
#include <string.h>
#include "soc/soc_caps.h"

#if SOC_HMAC_SUPPORTED
#include "esp_hmac.h"
#include "esp_efuse.h"

#define LATCH_KEY_BLOCK EFUSE_BLK_KEY4
#define LATCH_HMAC_KEY HMAC_KEY4

static int isProvisioned(void)
{
	return esp_efuse_get_key_purpose(LATCH_KEY_BLOCK) == ESP_EFUSE_KEY_PURPOSE_HMAC_UP;
}

static void provision(xsMachine *the, const uint8_t key[32])
{
	if (isProvisioned())
		xsUnknownError("the chip key already exists");
	if (esp_efuse_get_key_purpose(LATCH_KEY_BLOCK) != ESP_EFUSE_KEY_PURPOSE_USER || !esp_efuse_key_block_unused(LATCH_KEY_BLOCK))
		xsUnknownError("eFuse block KEY4 holds another key: the chip key cannot be provisioned");
	if (esp_efuse_write_key(LATCH_KEY_BLOCK, ESP_EFUSE_KEY_PURPOSE_HMAC_UP, key, 32) != ESP_OK)
		xsUnknownError("burning the chip key into eFuse failed");
	if (!esp_efuse_get_key_dis_read(LATCH_KEY_BLOCK) && esp_efuse_set_key_dis_read(LATCH_KEY_BLOCK) != ESP_OK)
		xsUnknownError("read-protecting the chip key failed");
}

static void chipHmac(xsMachine *the, const uint8_t *message, size_t length, uint8_t out[32])
{
	if (!isProvisioned())
		xsUnknownError("the chip key is not provisioned");
	if (esp_hmac_calculate(LATCH_HMAC_KEY, message, length, out) != ESP_OK)
		xsUnknownError("the HMAC peripheral failed");
}

#else /* ESP32: key in the flash-encrypted `latchkey` partition */
#include "esp_partition.h"
#include "mbedtls/md.h"
#include "mbedtls/platform_util.h"

#define LATCH_KEY_PARTITION "latchkey"

static const esp_partition_t *keyPartition(xsMachine *the)
{
	const esp_partition_t *partition = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, LATCH_KEY_PARTITION);
	if (!partition)
		xsUnknownError("no latchkey partition: flash the partition table of partitions.csv");
	return partition;
}

/* 1 when the partition holds a key, 0 when it is erased; the key is left in `key` (caller wipes it) */
static int readKey(xsMachine *the, uint8_t key[32])
{
	if (esp_partition_read(keyPartition(the), 0, key, 32) != ESP_OK)
		xsUnknownError("reading the chip key failed");
	int erased = 1;
	for (int i = 0; i < 32; i++) erased &= key[i] == 0xFF;
	return !erased;
}

static int isProvisioned(void)
{
	uint8_t key[32];
	const esp_partition_t *partition = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, LATCH_KEY_PARTITION);
	int present = partition && esp_partition_read(partition, 0, key, 32) == ESP_OK;
	int erased = 1;
	for (int i = 0; present && i < 32; i++) erased &= key[i] == 0xFF;
	mbedtls_platform_zeroize(key, sizeof(key));
	return present && !erased;
}

static void provision(xsMachine *the, const uint8_t key[32])
{
	const esp_partition_t *partition = keyPartition(the);
	uint8_t back[32];
	if (isProvisioned())
		xsUnknownError("the chip key already exists");
	if (esp_partition_erase_range(partition, 0, partition->erase_size) != ESP_OK ||
		esp_partition_write(partition, 0, key, 32) != ESP_OK ||
		esp_partition_read(partition, 0, back, 32) != ESP_OK || memcmp(back, key, 32) != 0) {
		mbedtls_platform_zeroize(back, sizeof(back));
		xsUnknownError("writing the chip key failed");
	}
	mbedtls_platform_zeroize(back, sizeof(back));
}

static void chipHmac(xsMachine *the, const uint8_t *message, size_t length, uint8_t out[32])
{
	uint8_t key[32];
	if (!readKey(the, key))
		xsUnknownError("the chip key is not provisioned");
	int err = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, sizeof(key), message, length, out);
	mbedtls_platform_zeroize(key, sizeof(key));
	if (err)
		xsUnknownError("HMAC with the chip key failed");
}
#endif

/* chipHmac(message: ArrayBuffer): ArrayBuffer (32 bytes) */
void xs_latch_chip_hmac(xsMachine *the)
{
	xsUnsignedValue length = xsmcGetArrayBufferLength(xsArg(0));
	uint8_t out[32];
	/* copy the message: a GC during the peripheral call must not move it */
	uint8_t *message = c_malloc(length ? length : 1);
	if (!message)
		xsUnknownError("out of memory");
	memcpy(message, xsmcToArrayBuffer(xsArg(0)), length);
	chipHmac(the, message, length, out);
	memset(message, 0, length);
	c_free(message);
	xsmcSetArrayBuffer(xsResult, out, sizeof(out));
	memset(out, 0, sizeof(out));
}

/* chipProvisioned(): boolean */
void xs_latch_chip_provisioned(xsMachine *the)
{
	xsmcSetBoolean(xsResult, isProvisioned());
}

/* chipProvision(key: ArrayBuffer of 32 health-tested random bytes) */
void xs_latch_chip_provision(xsMachine *the)
{
	uint8_t key[32];
	if (xsmcGetArrayBufferLength(xsArg(0)) != 32)
		xsRangeError("a chip key is 32 bytes");
	memcpy(key, xsmcToArrayBuffer(xsArg(0)), 32);
	provision(the, key);
	memset(key, 0, sizeof(key));
}
