/**
 * Content-addressed archives (CAR): {@link io.ferry.ipld.car.CarReader} streams blocks out of CARv1
 * and CARv2 files, verifying each against its CID; {@link io.ferry.ipld.car.CarWriter} streams a
 * CARv1 out, from blocks or from a selector traversal of a block store.
 */
package io.ferry.ipld.car;
