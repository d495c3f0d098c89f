/*
 * Latch: the chip key on ESP32-class boards. HMAC-SHA256 under a 256-bit key that never lies in the vault
 * partition; JavaScript only ever sees HMAC outputs, never the key.
 *
 *  - Chips with the HMAC peripheral (ESP32-S3 on the M5Stack CoreS3, and S2/C3/C6/H2/P4): the key sits in eFuse
 *    block KEY4 with purpose HMAC_UP, read-protected, so no software can read it, only ask the peripheral for
 *    HMACs. A board with no key there yet is given one at first boot: 32 bytes from the health-tested RNG
 *    (modules/entropy), passed to xs_latch_chip_provision (burning eFuses is permanent; a factory can provision
 *    with espefuse.py instead, and the driver then finds the key in place). Needs the IDF components
 *    esp_security (esp_hmac.h) and efuse: manifest.json names both.
 *  - The original ESP32 (M5Stack Fire) has no HMAC peripheral: the key is written at first boot, from the same
 *    health-tested bytes, to the `latchkey` partition, flagged `encrypted` in partitions.csv; the HMAC is computed
 *    here with PSA Crypto (ESP-IDF 6 ships Mbed TLS 4, whose mbedtls_md_hmac is private). This protects the key
 *    from a flash dump only when flash encryption is enabled (then the partition reads as ciphertext outside the
 *    chip), and from being read by other firmware only with secure boot on. Without both, a dump of this
 *    partition is the chip key: README, "Security notes".
 *
 * Errors: the helpers below never throw. They return a message (NULL on success) so that the xs_ entry points
 * can wipe every copy of a key and free the message buffer before xsUnknownError unwinds the C stack
 * (a throw is a longjmp: nothing after it runs).
 */
#include "xsmc.h"
#include "xsHost.h"
#include <string.h>
#include "soc/soc_caps.h"

/* memset that the compiler may not drop because the buffer is dead afterwards */
static void wipe(void *buffer, size_t length)
{
	volatile uint8_t *p = (volatile uint8_t *)buffer;
	while (length--)
		*p++ = 0;
}

#if SOC_HMAC_SUPPORTED
#include "esp_hmac.h"
#include "esp_efuse.h"

#define LATCH_KEY_BLOCK EFUSE_BLK_KEY4
#define LATCH_HMAC_KEY HMAC_KEY4

static int isProvisioned(void)
{
	return esp_efuse_get_key_purpose(LATCH_KEY_BLOCK) == ESP_EFUSE_KEY_PURPOSE_HMAC_UP;
}

static const char *provision(const uint8_t key[32])
{
	if (isProvisioned())
		return "the chip key already exists";
	if (esp_efuse_get_key_purpose(LATCH_KEY_BLOCK) != ESP_EFUSE_KEY_PURPOSE_USER || !esp_efuse_key_block_unused(LATCH_KEY_BLOCK))
		return "eFuse block KEY4 holds another key: the chip key cannot be provisioned";
	if (esp_efuse_write_key(LATCH_KEY_BLOCK, ESP_EFUSE_KEY_PURPOSE_HMAC_UP, key, 32) != ESP_OK)
		return "burning the chip key into eFuse failed";
	if (!esp_efuse_get_key_dis_read(LATCH_KEY_BLOCK) && esp_efuse_set_key_dis_read(LATCH_KEY_BLOCK) != ESP_OK)
		return "read-protecting the chip key failed";
	return NULL;
}

static const char *chipHmac(const uint8_t *message, size_t length, uint8_t out[32])
{
	if (!isProvisioned())
		return "the chip key is not provisioned";
	if (esp_hmac_calculate(LATCH_HMAC_KEY, message, length, out) != ESP_OK)
		return "the HMAC peripheral failed";
	return NULL;
}

#else /* ESP32: key in the flash-encrypted `latchkey` partition */
#include "esp_partition.h"
#include "psa/crypto.h"

#define LATCH_KEY_PARTITION "latchkey"

static const esp_partition_t *keyPartition(void)
{
	return esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, LATCH_KEY_PARTITION);
}

/* Reads the key slot into `key` (the caller wipes it on every path). *present: 1 when it holds a key, 0 when erased. */
static const char *readKey(uint8_t key[32], int *present)
{
	const esp_partition_t *partition = keyPartition();
	int erased = 1;
	*present = 0;
	if (!partition)
		return "no latchkey partition: flash the partition table of partitions.csv";
	if (esp_partition_read(partition, 0, key, 32) != ESP_OK)
		return "reading the chip key failed";
	for (int i = 0; i < 32; i++) erased &= key[i] == 0xFF;
	*present = !erased;
	return NULL;
}

static int isProvisioned(void)
{
	uint8_t key[32];
	int present = 0;
	const char *error = readKey(key, &present);
	wipe(key, sizeof(key));
	return !error && present;
}

static const char *provision(const uint8_t key[32])
{
	const esp_partition_t *partition = keyPartition();
	const char *error = NULL;
	uint8_t back[32];
	if (!partition)
		return "no latchkey partition: flash the partition table of partitions.csv";
	if (isProvisioned())
		return "the chip key already exists";
	if (esp_partition_erase_range(partition, 0, partition->erase_size) != ESP_OK ||
		esp_partition_write(partition, 0, key, 32) != ESP_OK ||
		esp_partition_read(partition, 0, back, 32) != ESP_OK || memcmp(back, key, 32) != 0)
		error = "writing the chip key failed";
	wipe(back, sizeof(back));
	return error;
}

/* HMAC-SHA-256 through PSA: the key is imported as a volatile key and destroyed (PSA wipes its copy) at once. */
static const char *hmacSha256(const uint8_t key[32], const uint8_t *message, size_t length, uint8_t out[32])
{
	psa_key_attributes_t attributes = PSA_KEY_ATTRIBUTES_INIT;
	psa_key_id_t id = 0;
	size_t outLength = 0;
	psa_status_t status = psa_crypto_init();
	if (status != PSA_SUCCESS)
		return "PSA Crypto did not start";
	psa_set_key_type(&attributes, PSA_KEY_TYPE_HMAC);
	psa_set_key_bits(&attributes, 256);
	psa_set_key_usage_flags(&attributes, PSA_KEY_USAGE_SIGN_MESSAGE);
	psa_set_key_algorithm(&attributes, PSA_ALG_HMAC(PSA_ALG_SHA_256));
	status = psa_import_key(&attributes, key, 32, &id);
	psa_reset_key_attributes(&attributes);
	if (status != PSA_SUCCESS)
		return "HMAC with the chip key failed (import)";
	status = psa_mac_compute(id, PSA_ALG_HMAC(PSA_ALG_SHA_256), message, length, out, 32, &outLength);
	psa_destroy_key(id);
	if (status != PSA_SUCCESS || outLength != 32) {
		wipe(out, 32);
		return "HMAC with the chip key failed";
	}
	return NULL;
}

static const char *chipHmac(const uint8_t *message, size_t length, uint8_t out[32])
{
	uint8_t key[32];
	int present = 0;
	const char *error = readKey(key, &present);
	if (!error && !present)
		error = "the chip key is not provisioned";
	if (!error)
		error = hmacSha256(key, message, length, out);
	wipe(key, sizeof(key));
	return error;
}
#endif

/* chipHmac(message: ArrayBuffer): ArrayBuffer (32 bytes) */
void xs_latch_chip_hmac(xsMachine *the)
{
	xsUnsignedValue length = xsmcGetArrayBufferLength(xsArg(0));
	uint8_t out[32];
	const char *error;
	/* copy the message: a GC during the peripheral call must not move it */
	uint8_t *message = c_malloc(length ? length : 1);
	if (!message)
		xsUnknownError("out of memory");
	memcpy(message, xsmcToArrayBuffer(xsArg(0)), length);
	error = chipHmac(message, length, out);
	wipe(message, length);
	c_free(message);
	if (error) {
		wipe(out, sizeof(out));
		xsUnknownError("%s", error);
	}
	xsmcSetArrayBuffer(xsResult, out, sizeof(out));
	wipe(out, sizeof(out));
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
	const char *error;
	if (xsmcGetArrayBufferLength(xsArg(0)) != 32)
		xsRangeError("a chip key is 32 bytes");
	memcpy(key, xsmcToArrayBuffer(xsArg(0)), 32);
	error = provision(key);
	wipe(key, sizeof(key));
	if (error)
		xsUnknownError("%s", error);
}
