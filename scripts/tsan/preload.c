// SPDX-License-Identifier: Apache-2.0
// Preloaded into every process of `SANITIZE=thread scripts/test` (built into
// .build-thread/tsan-preload.so). It makes two kinds of locking that
// ThreadSanitizer cannot see on Linux visible to it; without it TSan crashes
// at librdkafka's first thread and reports races on data that is well locked.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <threads.h>

// --- librdkafka's C11 threads ----------------------------------------------
// librdkafka uses C11 threads: thrd_create, mtx_lock, cnd_wait, ... glibc
// implements each by calling its internal pthread functions directly, past
// TSan's interceptors, so TSan sees neither librdkafka's threads (their first
// malloc crashes in TSan's allocator: SIGSEGV in Allocate on an rdk: thread)
// nor its locks (every message handed from a librdkafka thread to ours would
// look like a race). Here each C11 function calls the public pthread function
// TSan intercepts, as glibc does internally: glibc's mtx_t, cnd_t and once_flag
// are its pthread_mutex_t, pthread_cond_t and pthread_once_t.

static int result(int error) {
    switch (error) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
    }
}

int thrd_create(thrd_t *thread, thrd_start_t start, void *arg) {
    // A C11 thread is a pthread whose start routine returns its int result
    // in place of a pointer; thrd_join reads it back.
    return result(pthread_create(thread, NULL, (void *(*)(void *))(void (*)(void))start, arg));
}

int thrd_join(thrd_t thread, int *res) {
    void *value;
    int error = pthread_join(thread, &value);
    if (error == 0 && res) *res = (int)(intptr_t)value;
    return result(error);
}

int thrd_detach(thrd_t thread) { return result(pthread_detach(thread)); }

int mtx_init(mtx_t *mutex, int type) {
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    if (type & mtx_recursive) pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
    int error = pthread_mutex_init((pthread_mutex_t *)mutex, &attributes);
    pthread_mutexattr_destroy(&attributes);
    return result(error);
}

int mtx_lock(mtx_t *mutex) { return result(pthread_mutex_lock((pthread_mutex_t *)mutex)); }
int mtx_trylock(mtx_t *mutex) { return result(pthread_mutex_trylock((pthread_mutex_t *)mutex)); }
int mtx_timedlock(mtx_t *restrict mutex, const struct timespec *restrict until) {
    return result(pthread_mutex_timedlock((pthread_mutex_t *)mutex, until));
}
int mtx_unlock(mtx_t *mutex) { return result(pthread_mutex_unlock((pthread_mutex_t *)mutex)); }
void mtx_destroy(mtx_t *mutex) { pthread_mutex_destroy((pthread_mutex_t *)mutex); }

int cnd_init(cnd_t *condition) { return result(pthread_cond_init((pthread_cond_t *)condition, NULL)); }
int cnd_signal(cnd_t *condition) { return result(pthread_cond_signal((pthread_cond_t *)condition)); }
int cnd_broadcast(cnd_t *condition) { return result(pthread_cond_broadcast((pthread_cond_t *)condition)); }
int cnd_wait(cnd_t *condition, mtx_t *mutex) {
    return result(pthread_cond_wait((pthread_cond_t *)condition, (pthread_mutex_t *)mutex));
}
int cnd_timedwait(cnd_t *restrict condition, mtx_t *restrict mutex, const struct timespec *restrict until) {
    return result(pthread_cond_timedwait((pthread_cond_t *)condition, (pthread_mutex_t *)mutex, until));
}
void cnd_destroy(cnd_t *condition) { pthread_cond_destroy((pthread_cond_t *)condition); }

void call_once(once_flag *flag, void (*function)(void)) { pthread_once((pthread_once_t *)flag, function); }

// --- Swift's Synchronization.Mutex -------------------------------------------
// On Linux, Mutex locks and unlocks with an atomic compare-and-swap inlined into
// our (instrumented) code, but under contention it takes slow paths in
// libswiftSynchronization.so, which is not instrumented: a spinning
// compare-and-swap and PI futexes. TSan then misses the hand-over from one
// holder to the next and reports "Swift access race" inside withLock (seen with
// two threads and a counter, and on the event bus's partition backlog). These
// wrappers tell TSan that the slow paths acquire and release the lock word, the
// same address the inlined fast paths use. They are Swift functions: the handle
// (self) comes in the swiftself register, which clang calls swift_context.

void __tsan_acquire(void *address) __attribute__((weak));
void __tsan_release(void *address) __attribute__((weak));

#define SWIFTCALL __attribute__((swiftcall))
#define SELF __attribute__((swift_context))
#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"

static SWIFTCALL void (*lockSlow)(uint32_t, void *SELF);
static SWIFTCALL bool (*tryLockSlow)(void *SELF);
static SWIFTCALL void (*unlockSlow)(void *SELF);

__attribute__((constructor)) static void findMutexSlowPaths(void) {
    lockSlow = dlsym(RTLD_NEXT, LOCK_SLOW);
    tryLockSlow = dlsym(RTLD_NEXT, TRY_LOCK_SLOW);
    unlockSlow = dlsym(RTLD_NEXT, UNLOCK_SLOW);
}

SWIFTCALL void lockSlowSeen(uint32_t thread, void *SELF handle) __asm__(LOCK_SLOW);
SWIFTCALL void lockSlowSeen(uint32_t thread, void *SELF handle) {
    lockSlow(thread, handle);
    if (__tsan_acquire) __tsan_acquire(handle);
}

SWIFTCALL bool tryLockSlowSeen(void *SELF handle) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool tryLockSlowSeen(void *SELF handle) {
    bool locked = tryLockSlow(handle);
    if (locked && __tsan_acquire) __tsan_acquire(handle);
    return locked;
}

SWIFTCALL void unlockSlowSeen(void *SELF handle) __asm__(UNLOCK_SLOW);
SWIFTCALL void unlockSlowSeen(void *SELF handle) {
    if (__tsan_release) __tsan_release(handle);
    unlockSlow(handle);
}
