/**
 * Shared test fakes, published in this module's test-jar: peers and CIDs, a recording transport, a
 * scripted validator registry, and a polling helper for waiting on conditions.
 */
package io.ferry.channels.testing;
