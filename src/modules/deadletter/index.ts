/** The deadletter module publishes no events; it is the dead-letter sink (see its README). */
export {};
