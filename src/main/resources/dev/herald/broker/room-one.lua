-- One room's script: KEYS[1] its meta hash, KEYS[2] its history stream, KEYS[3] its members, KEYS[4] its channel;
-- ARGV[1] a fresh epoch to use if the room has none, ARGV[2] how long (ms) the room outlives its last touch.
local meta, log = KEYS[1], KEYS[2]
local epoch = settle(meta, log, KEYS[3], ARGV[1], ARGV[2])
