-- A room's current epoch, shared by every room script (this text is prepended to each of them): settle(meta, log,
-- members, fresh, ttl) takes a room's meta hash (epoch, run, offset, pseq), its history stream and its members
-- (member id -> name, across every node), the fresh epoch to use if the room has none, and how long (ms) the room
-- outlives its last touch; it returns the epoch, and keeps the three keys alive that long.
--
-- A room's offsets are only as good as the memory that holds them. The epoch changes when the meta is gone
-- (never written, expired, or FLUSHALL) and also when this Redis is not the process that wrote it: a Redis
-- restarted from an older snapshot would otherwise hand out offsets that clients already saw, for other messages.
-- Redis's run_id changes at every start, so a restart always begins new epochs, even when nothing was lost:
-- Herald cannot tell a current snapshot from an old one, and says "not recovered" rather than guess.
local run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
local function settle(meta, log, members, fresh, ttl)
  local epoch = redis.call('HGET', meta, 'epoch')
  if (not epoch) or redis.call('HGET', meta, 'run') ~= run then
    epoch = fresh
    redis.call('DEL', log)
    redis.call('HSET', meta, 'epoch', epoch, 'run', run, 'offset', 0)
  end
  redis.call('PEXPIRE', meta, ttl)
  redis.call('PEXPIRE', log, ttl)
  redis.call('PEXPIRE', members, ttl)
  return epoch
end
