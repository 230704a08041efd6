/*
 * A real PKCS#11 module for tests that cannot be staged with SoftHSM2 alone: it loads SoftHSM2 with dlopen,
 * hands out SoftHSM2's own function list, and replaces a few entries to act like a faulty token, chosen by the
 * environment variable CASILLA_SHIM_FAULT:
 *   slow-sign       C_Sign/C_SignFinal wait CASILLA_SHIM_SLEEP_MS (default 5000) before forwarding
 *   pin-locked      C_Login answers CKR_PIN_LOCKED
 *   pin-locked-flag C_GetTokenInfo reports CKF_USER_PIN_LOCKED (what a card says after the last wrong PIN)
 *   removed         C_Sign/C_SignFinal answer CKR_DEVICE_REMOVED (the token was pulled out while signing)
 *   not-present     C_Sign/C_SignFinal answer CKR_TOKEN_NOT_PRESENT
 * Anything else (or unset): SoftHSM2 unchanged. CASILLA_SHIM_TARGET overrides the module it loads.
 *
 * The declarations below are the few this needs, written from the PKCS#11 2.40 specification (the function
 * list is a version followed by the 68 function pointers in the specification's order); C_Login is entry 18
 * and C_Sign/C_SignFinal entries 43 and 45, counting from C_Initialize = 0.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef CK_ULONG CK_SLOT_ID;
typedef CK_ULONG CK_SESSION_HANDLE;
typedef CK_ULONG CK_USER_TYPE;
typedef unsigned char CK_BYTE;

#define CKR_OK 0x0UL
#define CKR_GENERAL_ERROR 0x5UL
#define CKR_DEVICE_REMOVED 0x32UL
#define CKR_PIN_LOCKED 0xa4UL
#define CKR_TOKEN_NOT_PRESENT 0xe0UL
#define CKF_USER_PIN_LOCKED 0x40000UL

typedef struct { CK_BYTE major; CK_BYTE minor; } CK_VERSION;

/* CK_TOKEN_INFO up to the flags field (label, manufacturerID, model, serialNumber, then flags). */
typedef struct {
  CK_BYTE label[32];
  CK_BYTE manufacturerID[32];
  CK_BYTE model[16];
  CK_BYTE serialNumber[16];
  CK_ULONG flags;
} CK_TOKEN_INFO_HEAD;

/* Entries are kept as plain pointers and cast to their real type where called (POSIX allows it, dlsym relies on it). */
typedef void *generic_fn;
typedef CK_RV (*get_token_info_fn)(CK_SLOT_ID, CK_TOKEN_INFO_HEAD *);
typedef CK_RV (*login_fn)(CK_SESSION_HANDLE, CK_USER_TYPE, CK_BYTE *, CK_ULONG);
typedef CK_RV (*sign_fn)(CK_SESSION_HANDLE, CK_BYTE *, CK_ULONG, CK_BYTE *, CK_ULONG *);
typedef CK_RV (*sign_final_fn)(CK_SESSION_HANDLE, CK_BYTE *, CK_ULONG *);

#define FN_COUNT 68
#define FN_GET_TOKEN_INFO 6
#define FN_LOGIN 18
#define FN_SIGN 43
#define FN_SIGN_FINAL 45

typedef struct {
  CK_VERSION version;
  generic_fn fn[FN_COUNT];
} CK_FUNCTION_LIST;

typedef CK_RV (*get_function_list_fn)(CK_FUNCTION_LIST **);

static CK_FUNCTION_LIST shim;
static CK_FUNCTION_LIST *real;

static const char *fault(void) {
  const char *f = getenv("CASILLA_SHIM_FAULT");
  return f ? f : "";
}

static void slow(void) {
  const char *ms = getenv("CASILLA_SHIM_SLEEP_MS");
  long n = ms ? strtol(ms, NULL, 10) : 5000;
  if (n < 0 || n > 600000) n = 5000;
  struct timespec t = { n / 1000, (n % 1000) * 1000000L };
  while (nanosleep(&t, &t) != 0) {
  }
}

static CK_RV sign_fault(void) {
  if (strcmp(fault(), "removed") == 0) return CKR_DEVICE_REMOVED;
  if (strcmp(fault(), "not-present") == 0) return CKR_TOKEN_NOT_PRESENT;
  if (strcmp(fault(), "slow-sign") == 0) slow();
  return CKR_OK;
}

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_HEAD *info) {
  CK_RV rv = ((get_token_info_fn)real->fn[FN_GET_TOKEN_INFO])(slot, info);
  if (rv == CKR_OK && info && strcmp(fault(), "pin-locked-flag") == 0) info->flags |= CKF_USER_PIN_LOCKED;
  return rv;
}

static CK_RV shim_login(CK_SESSION_HANDLE s, CK_USER_TYPE u, CK_BYTE *pin, CK_ULONG len) {
  if (strcmp(fault(), "pin-locked") == 0) return CKR_PIN_LOCKED;
  return ((login_fn)real->fn[FN_LOGIN])(s, u, pin, len);
}

static CK_RV shim_sign(CK_SESSION_HANDLE s, CK_BYTE *data, CK_ULONG len, CK_BYTE *sig, CK_ULONG *sig_len) {
  CK_RV rv = sign_fault();
  if (rv != CKR_OK) return rv;
  return ((sign_fn)real->fn[FN_SIGN])(s, data, len, sig, sig_len);
}

static CK_RV shim_sign_final(CK_SESSION_HANDLE s, CK_BYTE *sig, CK_ULONG *sig_len) {
  CK_RV rv = sign_fault();
  if (rv != CKR_OK) return rv;
  return ((sign_final_fn)real->fn[FN_SIGN_FINAL])(s, sig, sig_len);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST **out) {
  if (!out) return CKR_GENERAL_ERROR;
  if (!real) {
    const char *target = getenv("CASILLA_SHIM_TARGET");
    void *lib = dlopen(target ? target : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return CKR_GENERAL_ERROR;
    get_function_list_fn get = (get_function_list_fn)dlsym(lib, "C_GetFunctionList");
    if (!get || get(&real) != CKR_OK || !real) return CKR_GENERAL_ERROR;
    memcpy(&shim, real, sizeof shim);
    shim.fn[FN_GET_TOKEN_INFO] = (generic_fn)shim_get_token_info;
    shim.fn[FN_LOGIN] = (generic_fn)shim_login;
    shim.fn[FN_SIGN] = (generic_fn)shim_sign;
    shim.fn[FN_SIGN_FINAL] = (generic_fn)shim_sign_final;
  }
  *out = &shim;
  return CKR_OK;
}
