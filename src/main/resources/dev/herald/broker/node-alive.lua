-- The nodes heard from within the last ARGV[1] ms.
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (ms - tonumber(ARGV[1])), '+inf')
