-- What a node needs to start serving a room: {epoch, latest offset, presence sequence, id1, name1, id2, ...},
-- read atomically, so that the presence changes published after it are exactly those with a higher sequence.
local reply = {epoch, redis.call('HGET', meta, 'offset'), redis.call('HGET', meta, 'pseq') or '0'}
local members = redis.call('HGETALL', KEYS[3])
for i = 1, #members do
  table.insert(reply, members[i])
end
return reply
