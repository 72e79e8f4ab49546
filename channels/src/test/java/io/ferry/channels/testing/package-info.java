/**
 * Shared test fakes, published in this module's test-jar: peers and CIDs, a recording transport, a
 * scripted validator registry, a polling helper for waiting on conditions, and a throwaway
 * PostgreSQL database for the clustered-mode tests.
 */
package io.ferry.channels.testing;
